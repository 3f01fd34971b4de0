"""Coverage-guided fuzzing of the CoAP codec: any bytes must decode or raise CoapError."""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports():
    from levante.codecs import coap
    from levante.codecs.coap_options import decode_block, decode_observe


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris looks for
    try:
        message = coap.decode(data)
    except coap.CoapError:
        return
    # Whatever decodes must survive re-encoding unchanged, and its helpers must not crash.
    if coap.decode(coap.encode(message)) != message:
        raise RuntimeError("CoAP round trip changed the message")
    for option in message.options:
        try:
            decode_block(option.value)
            decode_observe(option.value)
        except coap.CoapError:
            pass


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
