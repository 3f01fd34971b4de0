"""The network shell's text (`net iface`, `net conn`, `net stats`, `net arp`): what
each command prints about the stack, laid out as Zephyr's net shell lays it out.

`net ping` is the C shell's own loop (it sleeps between requests); it reaches the stack
through the interface's `ping` and `ping_reply`.
"""

from __future__ import annotations

from collections.abc import Callable

from levante.net.stack import NetworkStack

USAGE = ("Usage: net iface | net conn | net stats | net arp [flush] | "
         "net ping [-c N] ADDR | net dns NAME [A|AAAA]")
# Extra lines for `net iface` from services on the interface (the DHCPv4 client's).
IfaceLines = Callable[[], list[str]]


class NetShell:
    """Formats the `net` commands for one interface's stack."""

    def __init__(self, stack: NetworkStack, interface_name: str = "eth0") -> None:
        self.stack = stack
        self.interface_name = interface_name
        self.iface_sections: list[IfaceLines] = []

    def run(self, arguments: list[str]) -> str:
        """The text of `net ARGUMENTS`; unknown commands get the usage line."""
        if not arguments:
            return USAGE + "\n"
        command, rest = arguments[0], arguments[1:]
        if command == "iface" and not rest:
            return self.iface()
        if command == "conn" and not rest:
            return self.connections()
        if command == "stats" and not rest:
            return self.statistics()
        if command == "arp" and rest in ([], ["flush"]):
            return self.arp_flush() if rest else self.arp()
        return f"net {' '.join(arguments)}: unknown command\n{USAGE}\n"

    def iface(self) -> str:
        stack = self.stack
        settings = stack.settings
        lines = [f"Interface {self.interface_name} (Ethernet) [1]",
                 "=" * 30,
                 f"Link addr : {settings.mac.upper()}",
                 f"MTU       : {settings.mtu}",
                 f"Flags     : {'UP' if stack.is_up else 'DOWN'} IPv4",
                 "IPv4 unicast addresses (max 1):"]
        ipv4 = settings.ipv4
        if ipv4 is None:
            lines.append("\t<none>")
        else:
            lines.append(f"\t{ipv4.address}/{ipv4.netmask} {stack.address_origin}")
        lines.append(f"IPv4 gateway : {ipv4.gateway if ipv4 and ipv4.gateway else '0.0.0.0'}")
        for section in self.iface_sections:
            lines.extend(section())
        return "\n".join(lines) + "\n"

    def connections(self) -> str:
        rows = [row for source in self.stack.connection_sources for row in source()]
        if not rows:
            return "No connections\n"
        lines = ["Proto  Local                  Remote                 State"]
        lines += [f"{proto:<6} {local:<22} {remote:<22} {state}"
                  for proto, local, remote, state in rows]
        return "\n".join(lines) + "\n"

    def statistics(self) -> str:
        counters = self.stack.stats.snapshot()
        lines = [f"Statistics for interface {self.interface_name} [1]"]
        if not counters:
            lines.append("No packets yet")
        width = max((len(name) for name in counters), default=0)
        lines += [f"{name:<{width}} : {value}" for name, value in counters.items()]
        lines.append(f"{'total drops':<{width}} : {self.stack.stats.total_drops()}")
        return "\n".join(lines) + "\n"

    def arp(self) -> str:
        entries = self.stack.arp.table.entries()
        if not entries:
            return "ARP cache is empty.\n"
        lines = ["     Interface  Link              Address"]
        lines += [f"[{index:2}] 1          {mac.upper()} {address}"
                  for index, (address, mac) in enumerate(entries.items(), start=1)]
        return "\n".join(lines) + "\n"

    def arp_flush(self) -> str:
        count = self.stack.arp.table.flush()
        return f"Flushing ARP cache ({count} entr{'y' if count == 1 else 'ies'}).\n"
