"""Where a lark grammar (the policy and interface languages) failed to parse, in words."""

from __future__ import annotations

from lark.exceptions import UnexpectedInput, UnexpectedToken


def unexpected(error: UnexpectedInput, text: str, whole: str) -> str:
    """What the parser met: up to 12 characters of the text where it stopped, or the
    end of `whole` (e.g. "the policy") when the text ended too early."""
    at_end = isinstance(error, UnexpectedToken) and error.token.type == "$END"
    found = "" if at_end or error.pos_in_stream is None else \
        text[error.pos_in_stream:error.pos_in_stream + 12].split("\n")[0]
    return f"unexpected {found!r}" if found else f"unexpected end of {whole}"
