"""The SMP shell management group (group 9): a peer's command line for the console
shell. The server checks it here; the shell runs it and its output and result come
back through the device (devices/smp.py), which sends the answer then."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from levante.codecs.smp import SmpValue
from levante.kernel.smp_shell import SMP_LINE_MARK
from levante.services.smp.results import Mgmt, Refusal

Body = Mapping[str, SmpValue]


@dataclass(frozen=True)
class ShellLine:
    """A checked command line for the shell: the words joined by spaces."""

    text: str


class ShellGroup:
    def __init__(self, line_max: int) -> None:
        self.line_max = line_max  # octets of a line the shell takes

    def line(self, body: Body) -> ShellLine:
        """shell exec (9.0): {"argv": [words]}: one line of printable words."""
        argv = body.get("argv")
        if not isinstance(argv, list) or not argv or \
                not all(isinstance(word, str) and word for word in argv):
            raise Refusal(Mgmt.EINVAL, "shell exec needs 'argv', a list of words")
        text = " ".join(str(word) for word in argv)
        if any(ord(character) < 0x20 or ord(character) in (SMP_LINE_MARK, 0x7F)
               for character in text):
            raise Refusal(Mgmt.EINVAL, "a shell word holds a control character")
        if len(text.encode()) > self.line_max:
            raise Refusal(Mgmt.EMSGSIZE, f"the command line is over {self.line_max} octets")
        return ShellLine(text)

    @staticmethod
    def answer(result: int, output: bytes) -> dict[str, SmpValue]:
        return {"o": output.decode(errors="replace"), "ret": result}
