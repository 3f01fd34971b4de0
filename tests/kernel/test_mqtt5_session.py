"""The kernel's MQTT 5.0 sessions under the mock CPU, with a scripted broker: properties
read from the caller's records and checked, reason codes, topic aliases each way, the
event's properties written to the caller's array with their strings in rx_buf (fixed
ones first, the array's capacity and rx_buf bounding them), the broker's DISCONNECT and
AUTH as events, and hostile property arguments refused before anything is sent."""

from __future__ import annotations

import struct
from collections.abc import Callable

from mock_cpu import MockSystem, Script, call, mark, returning_fatal_handler, s32
from mqtt_broker_script import (
    CONNECT,
    MESSAGE,
    SOCKADDR_BROKER,
    TOPIC,
    BrokerNetwork,
    attach,
    put_text,
)

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.codecs import mqtt
from levante.kernel.kernel import RunEnd

P = mqtt.PropertyId
EINVAL, ENOMEM, EBADMSG = -ERRNO["EINVAL"], -ERRNO["ENOMEM"], -ERRNO["EBADMSG"]
ECONNRESET = -ERRNO["ECONNRESET"]
PUBLISH, PUBACK, SUBSCRIBE, DISCONNECT, AUTH = 3, 4, 8, 14, 15
EVT_CONNACK, EVT_DISCONNECT, EVT_PUBLISH, EVT_PUBACK, EVT_SUBACK, EVT_AUTH = 0, 1, 2, 3, 7, 10
CONNECT_TAIL = struct.Struct("<4I")
MESSAGE_TAIL = struct.Struct("<3I")
EVENT = struct.Struct("<Ii7I")
EVENT_IN = struct.Struct("<2I")
PROP = struct.Struct("<6I")
# A property as a test writes it: (identifier, integer) or (identifier, bytes) or
# (identifier, (name, value)).
Prop = tuple[int, int | bytes | tuple[bytes, bytes]]


class Memory:
    """A bump allocator in the mock's RAM for records and their strings."""

    def __init__(self, system: MockSystem) -> None:
        self.system = system
        self.base = system.ram(8192)
        self.used = 0

    def put(self, data: bytes) -> int:
        address = self.base + self.used
        self.system.cpu.write_memory(address, data)
        self.used += (len(data) + 3) & ~3 or 4
        return address

    def properties(self, props: list[Prop]) -> tuple[int, int]:
        records = b""
        for identifier, value in props:
            if isinstance(value, int):
                records += PROP.pack(identifier, value, 0, 0, 0, 0)
            elif isinstance(value, bytes):
                records += PROP.pack(identifier, 0, self.put(value), len(value), 0, 0)
            else:
                records += PROP.pack(identifier, 0, self.put(value[0]), len(value[0]),
                                     self.put(value[1]), len(value[1]))
        return (self.put(records) if records else 0), len(props)


class Bench5:
    """A booted mock system whose main runs `steps` on a connected MQTT 5.0 session."""

    def __init__(self, steps: Callable[[Bench5], Script], capacity: int = 8,
                 rx_size: int = 128) -> None:
        self.system = MockSystem(net_sockets=True, mqtt_lib=True)
        self.results: dict[str, int] = {}
        self.events: list[tuple[tuple[int, ...], list[tuple[int, ...]]]] = []
        self.rx_after: list[bytes] = []  # rx_buf's first bytes after each event
        self.capacity, self.rx_size = capacity, rx_size
        self.system.main(lambda _: steps(self))
        self.kernel = self.system.boot()
        self.network: BrokerNetwork = attach(self.system, self.kernel)
        self.memory = Memory(self.system)
        self.address = self.memory.put(SOCKADDR_BROKER)
        self.event = self.system.ram(EVENT.size + EVENT_IN.size)
        self.props = self.system.ram(PROP.size * 40)
        self.rx = self.system.ram(1024)
        self.fd = -1

    @property
    def broker(self):  # type: ignore[no-untyped-def]
        return self.network.brokers[0]

    def answer(self, *packets: mqtt.MqttPacket | bytes) -> None:
        self.broker.answer(*(packet if isinstance(packet, bytes) else mqtt.encode(packet, 5)
                             for packet in packets))

    def open(self, props: list[Prop] = (), connack: mqtt.ConnAck | None = None) -> Script:  # type: ignore[assignment]
        self.fd = yield call("z_levante_zsock_socket", 1, 1, 6)
        yield call("z_levante_zsock_connect", self.fd, self.address, 8)
        identifier = put_text(self.system, self.memory.put(b"device"), b"device")
        array, count = self.memory.properties(list(props))
        record = self.memory.put(CONNECT.pack(*identifier, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 60, 5)
                                 + CONNECT_TAIL.pack(array, count, 0, 0))
        self.results["connect"] = s32((yield call("z_levante_mqtt_connect", self.fd, record)))
        self.answer(connack or mqtt.ConnAck(properties=(
            mqtt.Property(P.TOPIC_ALIAS_MAXIMUM, 3),)))
        yield from self.take()

    def send(self, kind: int, message_id: int = 0, flags: int = 0, topic: bytes | None = None,
             payload: bytes = b"", reason: int = 0, props: list[Prop] = ()) -> Script:  # type: ignore[assignment]
        topics = 0
        if topic is not None:
            topics = self.memory.put(TOPIC.pack(self.memory.put(topic) if topic else 0,
                                                len(topic), 1))
        array, count = self.memory.properties(list(props))
        record = self.memory.put(MESSAGE.pack(kind, message_id, flags, topics,
                                              1 if topic is not None else 0,
                                              self.memory.put(payload), len(payload))
                                 + MESSAGE_TAIL.pack(reason, array, count))
        return s32((yield call("z_levante_mqtt_send", self.fd, record)))

    def take(self) -> Script:
        self.system.cpu.write_memory(self.event + EVENT.size,
                                     EVENT_IN.pack(self.props, self.capacity))
        result = s32((yield call("z_levante_mqtt_input", self.fd, self.event, self.rx,
                                 self.rx_size)))
        if result == 1:
            event = EVENT.unpack(self.system.cpu.read_memory(self.event, EVENT.size))
            raw = self.system.cpu.read_memory(self.props, PROP.size * event[8])
            self.events.append((event, [PROP.unpack_from(raw, index * PROP.size)
                                        for index in range(event[8])]))
            self.rx_after.append(self.text(self.rx, 16))
        return result

    def text(self, address: int, length: int) -> bytes:
        return self.system.cpu.read_memory(address, length)

    def run(self) -> None:
        assert self.kernel.run(until=50_000_000) in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
        assert self.system.events("kernel_defect") == []


def test_properties_both_ways_and_reason_codes() -> None:
    def steps(bench: Bench5) -> Script:
        yield from bench.open([(P.SESSION_EXPIRY_INTERVAL, 300), (P.TOPIC_ALIAS_MAXIMUM, 2),
                               (P.USER_PROPERTY, (b"client", b"levante"))])
        results = bench.results
        results["subscribe"] = yield from bench.send(
            SUBSCRIBE, 1, 0, b"in/#", props=[(P.SUBSCRIPTION_IDENTIFIER, 7)])
        results["publish"] = yield from bench.send(
            PUBLISH, 5, 1, b"out/t", b"21.5",
            props=[(P.USER_PROPERTY, (b"unit", b"C")), (P.CONTENT_TYPE, b"text/plain")])
        results["disconnect"] = yield from bench.send(
            DISCONNECT, reason=4, props=[(P.REASON_STRING, b"bye")])
        bench.answer(mqtt.SubAck(1, (1, 0x87), (mqtt.Property(P.REASON_STRING, "no"),)),
                     mqtt.PubAck(5, 0x10),
                     mqtt.Publish("in/a", b"hi", 0, properties=(
                         mqtt.Property(P.USER_PROPERTY, ("from", "host")),
                         mqtt.Property(P.SUBSCRIPTION_IDENTIFIER, 7),
                         mqtt.Property(P.MESSAGE_EXPIRY_INTERVAL, 60))))
        for name in ("suback", "puback", "publish_in"):
            results[name] = yield from bench.take()
        yield mark("done")

    bench = Bench5(steps)
    bench.run()
    assert bench.system.labels() == ["done"]
    assert bench.results == {"connect": 0, "subscribe": 0, "publish": 0, "disconnect": 0,
                             "suback": 1, "puback": 1, "publish_in": 1}
    connect, subscribe, publish, disconnect = bench.broker.sent
    assert connect.protocol_level == 5 and connect.properties == (
        mqtt.Property(P.SESSION_EXPIRY_INTERVAL, 300), mqtt.Property(P.TOPIC_ALIAS_MAXIMUM, 2),
        mqtt.Property(P.USER_PROPERTY, ("client", "levante")))
    assert subscribe.properties == (mqtt.Property(P.SUBSCRIPTION_IDENTIFIER, 7),)
    assert publish.properties == (mqtt.Property(P.USER_PROPERTY, ("unit", "C")),
                                  mqtt.Property(P.CONTENT_TYPE, "text/plain"))
    assert disconnect == mqtt.Disconnect(4, (mqtt.Property(P.REASON_STRING, "bye"),))
    (connack, connack_props), (suback, suback_props), (puback, _), (publish_in, publish_props) \
        = bench.events
    assert connack[:1] + connack[7:] == (EVT_CONNACK, 0, 1)
    assert connack_props == [(P.TOPIC_ALIAS_MAXIMUM, 3, 0, 0, 0, 0)]
    # SUBACK: the reason codes in rx_buf, the reason string after them.
    assert suback[:1] + suback[5:6] == (EVT_SUBACK, 2)
    assert suback_props == [(P.REASON_STRING, 0, bench.rx + 2, 2, 0, 0)]
    assert bench.rx_after[1][:4] == bytes([1, 0x87]) + b"no"
    assert puback[:3] + puback[7:] == (EVT_PUBACK, 0, 5, 0x10, 0)
    # PUBLISH: the topic first in rx_buf, then the user property's strings; the
    # non-repeatable properties come before the repeatable ones.
    assert publish_in[5:7] == (4, 2)
    assert [prop[0] for prop in publish_props] == [
        P.MESSAGE_EXPIRY_INTERVAL, P.USER_PROPERTY, P.SUBSCRIPTION_IDENTIFIER]
    _, _, name, name_len, value, value_len = publish_props[1]
    assert (name, name_len, value, value_len) == (bench.rx + 4, 4, bench.rx + 8, 4)
    assert bench.rx_after[3][:12] == b"in/afromhost"


def test_topic_aliases_each_way() -> None:
    def steps(bench: Bench5) -> Script:
        yield from bench.open([(P.TOPIC_ALIAS_MAXIMUM, 2)])
        results = bench.results
        results["set"] = yield from bench.send(PUBLISH, 0, 0, b"out/long/topic", b"1",
                                               props=[(P.TOPIC_ALIAS, 3)])
        results["use"] = yield from bench.send(PUBLISH, 0, 0, b"", b"2",
                                               props=[(P.TOPIC_ALIAS, 3)])
        results["unknown"] = yield from bench.send(PUBLISH, 0, 0, b"", b"3",
                                                   props=[(P.TOPIC_ALIAS, 1)])
        results["over"] = yield from bench.send(PUBLISH, 0, 0, b"t", b"4",
                                                props=[(P.TOPIC_ALIAS, 4)])
        results["empty"] = yield from bench.send(PUBLISH, 0, 0, b"", b"5")
        bench.answer(mqtt.Publish("in/x", b"a", properties=(mqtt.Property(P.TOPIC_ALIAS, 2),)),
                     mqtt.Publish("", b"b", properties=(mqtt.Property(P.TOPIC_ALIAS, 2),)),
                     mqtt.Publish("", b"c", properties=(mqtt.Property(P.TOPIC_ALIAS, 1),)))
        for name in ("first", "second", "third"):
            results[name] = yield from bench.take()
            if bench.events[-1][0][0] == EVT_PUBLISH:
                yield call("z_levante_mqtt_read_payload", bench.fd, bench.rx + 512, 1)
        yield mark("done")

    bench = Bench5(steps)
    bench.run()
    results = bench.results
    assert (results["set"], results["use"]) == (0, 0)
    assert (results["unknown"], results["over"], results["empty"]) == (EINVAL,) * 3
    assert [packet.payload for packet in bench.broker.sent[1:]] == [b"1", b"2"]
    # The control point judged the aliased message under its topic.
    judged = [event["fields"]["topic"] for event in bench.system.events("service_message")
              if event["action"] == "publish"]
    assert judged[:2] == ["out/long/topic", "out/long/topic"]
    # The broker's alias came back as its topic both times.
    assert [event[0][5] for event in bench.events[1:3]] == [4, 4]
    assert bench.rx_after[1][:4] == bench.rx_after[2][:4] == b"in/x"
    # An alias the broker never set up ends the session.
    assert bench.events[-1][0][:2] == (EVT_DISCONNECT, EBADMSG)


def test_the_client_sets_up_at_most_sixteen_aliases() -> None:
    """However many the broker allows, the kernel keeps sixteen of the client's aliases."""
    def steps(bench: Bench5) -> Script:
        yield from bench.open(connack=mqtt.ConnAck(properties=(
            mqtt.Property(P.TOPIC_ALIAS_MAXIMUM, 100),)))
        bench.results["16"] = yield from bench.send(PUBLISH, 0, 0, b"t", b"1",
                                                    props=[(P.TOPIC_ALIAS, 16)])
        bench.results["17"] = yield from bench.send(PUBLISH, 0, 0, b"t", b"2",
                                                    props=[(P.TOPIC_ALIAS, 17)])
        yield mark("done")

    bench = Bench5(steps)
    bench.run()
    assert bench.results == {"connect": 0, "16": 0, "17": EINVAL}


def test_the_broker_disconnect_and_auth_are_events() -> None:
    def steps(bench: Bench5) -> Script:
        yield from bench.open()
        bench.answer(mqtt.Auth(0x18, (mqtt.Property(P.AUTHENTICATION_METHOD, "m"),)),
                     mqtt.Disconnect(0x8B, (mqtt.Property(P.REASON_STRING, "later"),)))
        bench.results["auth"] = yield from bench.take()
        bench.results["disconnect"] = yield from bench.take()
        bench.results["after"] = yield from bench.take()
        bench.results["auth_sent"] = yield from bench.send(AUTH, reason=0x19, props=[
            (P.AUTHENTICATION_METHOD, b"m")])
        yield mark("done")

    bench = Bench5(steps)
    bench.run()
    (auth, auth_props), (disconnect, disconnect_props) = bench.events[1:]
    assert auth[0] == EVT_AUTH and auth[7] == 0x18
    assert auth_props[0][:1] == (P.AUTHENTICATION_METHOD,)
    assert disconnect[:2] == (EVT_DISCONNECT, ECONNRESET) and disconnect[7] == 0x8B
    assert disconnect_props[0][3] == 5 and bench.rx_after[2][:5] == b"later"
    assert bench.results["after"] == -ERRNO["ENOTCONN"]
    assert bench.results["auth_sent"] == -ERRNO["ENOTCONN"]
    assert [e["result"] for e in bench.system.events("mqtt_session_end")] == [ECONNRESET]


def test_event_properties_are_bounded_by_the_array_and_rx_buf() -> None:
    many = tuple(mqtt.Property(P.USER_PROPERTY, (f"k{index}", "v")) for index in range(20))

    def steps(bench: Bench5) -> Script:
        yield from bench.open()
        bench.answer(mqtt.Publish("t", b"x", properties=(*many, mqtt.Property(
            P.CONTENT_TYPE, "c"))))
        bench.results["few"] = yield from bench.take()
        yield call("z_levante_mqtt_read_payload", bench.fd, bench.rx + 512, 1)
        bench.answer(mqtt.Publish("t", b"x", properties=(mqtt.Property(
            P.USER_PROPERTY, ("n", "v" * 200)),)))
        bench.results["over"] = yield from bench.take()
        yield mark("done")

    bench = Bench5(steps, capacity=3, rx_size=64)
    bench.run()
    (few, few_props), (over, _) = bench.events[1:]
    assert few[8] == 3 and [prop[0] for prop in few_props] == [
        P.CONTENT_TYPE, P.USER_PROPERTY, P.USER_PROPERTY]
    assert over[:2] == (EVT_DISCONNECT, ENOMEM)


def test_hostile_property_arguments_are_refused_before_anything_is_sent() -> None:
    def steps(bench: Bench5) -> Script:
        yield from bench.open()
        results = bench.results
        cases: dict[str, list[Prop]] = {
            "unknown id": [(0x7F, 1)],
            "too many": [(P.USER_PROPERTY, (b"a", b"b"))] * 33,
            "long string": [(P.CONTENT_TYPE, b"c" * 300)],
            "bad utf8": [(P.CONTENT_TYPE, b"\xff")],
            "twice": [(P.CONTENT_TYPE, b"a"), (P.CONTENT_TYPE, b"b")],
            "misplaced": [(P.SESSION_EXPIRY_INTERVAL, 1)],
            "boolean 2": [(P.PAYLOAD_FORMAT_INDICATOR, 2)],
        }
        for name, props in cases.items():
            results[name] = yield from bench.send(PUBLISH, 0, 0, b"t", b"x", props=props)
        results["reason 256"] = yield from bench.send(PUBACK, 1, reason=256)
        results["alias in subscribe"] = yield from bench.send(
            SUBSCRIBE, 1, 0, b"t", props=[(P.TOPIC_ALIAS, 1)])
        yield mark("done")

    bench = Bench5(steps)
    bench.run()
    assert set(bench.results.values()) - {0} == {EINVAL}
    assert len([value for value in bench.results.values() if value == EINVAL]) == 9
    assert len(bench.broker.sent) == 1  # the CONNECT only



def test_a_user_thread_naming_kernel_memory_for_properties_faults_alone() -> None:
    """A user thread granted the session whose property array (sent) or event array
    (received) points at memory it may not use is faulted; the session and the kernel
    go on."""
    where: dict[str, int] = {}

    def user_steps(_: object) -> Script:
        yield call("k_sleep", 20)  # main grants the socket meanwhile
        own = where["own"]
        where["live"] = s32((yield call("z_levante_mqtt_keepalive_left", where["fd"])))
        yield call("z_levante_mqtt_send", where["fd"], own)  # faults here
        where["after"] = 1

    def steps(bench: Bench5) -> Script:
        yield from bench.open()
        where["fd"] = bench.fd
        sock = yield call("zsock_get_context_object", bench.fd)
        yield call("k_object_access_grant", sock, where["user"])
        yield call("k_sleep", 40)
        bench.results["still"] = s32((yield call("z_levante_mqtt_keepalive_left", bench.fd)))
        yield mark("done")

    class UserBench(Bench5):
        def __init__(self) -> None:
            self.system = MockSystem(net_sockets=True, mqtt_lib=True, userspace=True)
            where["user"] = self.system.thread("user", user_steps, 5,
                                               options=THREAD_OPTIONS["K_USER"])
            self.results = {}
            self.events = []
            self.rx_after = []
            self.capacity, self.rx_size = 8, 128
            self.system.main(lambda _: steps(self))
            self.kernel = self.system.boot()
            self.network = attach(self.system, self.kernel)
            self.memory = Memory(self.system)
            self.address = self.memory.put(SOCKADDR_BROKER)
            self.event = self.system.ram(EVENT.size + EVENT_IN.size)
            self.props = self.system.ram(PROP.size * 40)
            self.rx = self.system.ram(1024)
            self.fd = -1
            # The user's own stack holds a PUBLISH record whose topic is its own but
            # whose property array is the kernel's.
            own = self.system.thread_named("user").stack_start + 64
            topic = own + 64
            self.system.cpu.write_memory(topic, b"t")
            self.system.cpu.write_memory(own + 48, TOPIC.pack(topic, 1, 0))
            self.system.cpu.write_memory(own, MESSAGE.pack(PUBLISH, 0, 0, own + 48, 1, topic, 1)
                                         + MESSAGE_TAIL.pack(0, self.props, 1))
            where["own"] = own

    bench = UserBench()
    bench.system.fatal_handler(returning_fatal_handler)
    bench.run()
    assert 0 < where["live"] <= 60_000 and "after" not in where
    assert [event["thread"] for event in bench.system.events("fault")] == ["user"]
    assert bench.system.labels() == ["done"] and bench.results["still"] > 0
    assert len(bench.broker.sent) == 1  # the CONNECT only
