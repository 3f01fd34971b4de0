"""The sans-IO network stack: Ethernet, ARP, IPv4, ICMPv4, UDP and TCP on the codecs.

Pure: no sockets, threads, clocks or files. Frames go in with the simulated instant they
arrive (`NetworkStack.receive`), frames to send come out (`take_outgoing`), and the stack
says when its next timer is due (`next_deadline`), all on simulated time in microseconds.
"""

from levante.net.stack.settings import InterfaceSettings, Ipv4Settings
from levante.net.stack.stack import NetworkStack
from levante.net.stack.stats import NetStats

__all__ = ["InterfaceSettings", "Ipv4Settings", "NetStats", "NetworkStack"]
