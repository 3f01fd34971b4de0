"""The kernel's MQTT sessions under the mock CPU, with a scripted broker behind a fake
socket transport: packets encoded from the caller's records, events decoded from the
broker's bytes, the payload copied out in pieces, QoS and keep-alive state, the control
point on every message, a broker that breaks the stream, and hostile arguments."""

from __future__ import annotations

from collections.abc import Callable

from mock_cpu import Args, MockSystem, Script, call, mark, returning_fatal_handler, s32
from mqtt_broker_script import (
    EVENT,
    SOCKADDR_BROKER,
    BrokerNetwork,
    attach,
    connect_record,
    message_record,
)

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.codecs import mqtt
from levante.kernel.kernel import RunEnd
from levante.kernel.service_control import ServiceMessage

EAGAIN, EBUSY, EINVAL, ENOMEM, ENOTCONN = (
    -ERRNO[name] for name in ("EAGAIN", "EBUSY", "EINVAL", "ENOMEM", "ENOTCONN"))
EBADMSG, EMSGSIZE, EACCES = -ERRNO["EBADMSG"], -ERRNO["EMSGSIZE"], -ERRNO["EACCES"]
PUBLISH, PUBACK, PUBREC, PUBREL, SUBSCRIBE, UNSUBSCRIBE, PINGREQ = 3, 4, 5, 6, 8, 10, 12
EVT_CONNACK, EVT_DISCONNECT, EVT_PUBLISH, EVT_PUBACK, EVT_SUBACK = 0, 1, 2, 3, 7
CONNACK = mqtt.ConnAck()
Steps = Callable[["Bench"], Script]


class Bench:
    """A booted mock system whose main runs `steps` on a connected MQTT session."""

    def __init__(self, steps: Steps, **config: object) -> None:
        self.system = MockSystem(net_sockets=True, mqtt_lib=True, **config)
        self.results: dict[str, int] = {}
        self.events: list[tuple[int, ...]] = []
        self.fd = -1
        self.system.main(lambda _: steps(self))
        self.kernel = self.system.boot()
        self.network: BrokerNetwork = attach(self.system, self.kernel)
        self.address = self.system.ram(8)
        self.system.cpu.write_memory(self.address, SOCKADDR_BROKER)
        self.record = self.system.ram(256)
        self.event = self.system.ram(EVENT.size)
        self.rx = self.system.ram(64)
        self.payload = self.system.ram(64)

    @property
    def broker(self):  # type: ignore[no-untyped-def]
        return self.network.brokers[0]

    def open(self, **connect: object) -> Script:
        """Socket, TCP connect, session start, CONNACK taken: main's steps begin here."""
        self.fd = yield call("z_levante_zsock_socket", 1, 1, 6)
        yield call("z_levante_zsock_connect", self.fd, self.address, 8)
        self.results["connect"] = yield call(
            "z_levante_mqtt_connect", self.fd, connect_record(self.system, self.record,
                                                              **connect))  # type: ignore[arg-type]
        self.broker.answer(CONNACK)
        yield from self.take()

    def send(self, kind: int, message_id: int = 0, flags: int = 0,
             topics: list[tuple[bytes, int]] = (),  # type: ignore[assignment]
             payload: bytes = b"") -> Script:
        record = message_record(self.system, self.record, kind, message_id, flags, topics,
                                payload)
        return (yield call("z_levante_mqtt_send", self.fd, record))

    def take(self, rx_size: int = 64) -> Script:
        """One mqtt_input; the event it wrote is appended to `events`."""
        result = yield call("z_levante_mqtt_input", self.fd, self.event, self.rx, rx_size)
        result = s32(result)
        if result == 1:
            self.events.append(EVENT.unpack(self.system.cpu.read_memory(self.event, EVENT.size)))
        return result

    def rx_text(self, length: int) -> bytes:
        return self.system.cpu.read_memory(self.rx, length)

    def run(self) -> None:
        assert self.kernel.run(until=50_000_000) in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
        assert self.system.events("kernel_defect") == []


def test_publish_subscribe_and_acknowledgements_through_the_codec() -> None:
    def steps(bench: Bench) -> Script:
        yield from bench.open(will=(b"dev/will", b"gone"), keepalive=30)
        results = bench.results
        results["subscribe"] = yield from bench.send(SUBSCRIBE, 1, topics=[(b"in/#", 2),
                                                                           (b"cfg", 1)])
        results["publish"] = yield from bench.send(PUBLISH, 7, 1, [(b"out/t", 0)], b"21.5")
        bench.broker.answer(mqtt.SubAck(1, (2, 128)), mqtt.PubAck(7),
                            mqtt.Publish("in/a", b"hello world", 1, True, False, 3))
        for name in ("suback", "puback", "publish_in"):
            results[name] = yield from bench.take()
        results["busy"] = yield from bench.take()
        results["read1"] = s32((yield call("z_levante_mqtt_read_payload", bench.fd,
                                           bench.payload, 5)))
        results["read2"] = s32((yield call("z_levante_mqtt_read_payload", bench.fd,
                                           bench.payload + 5, 60)))
        results["read3"] = s32((yield call("z_levante_mqtt_read_payload", bench.fd,
                                           bench.payload, 60)))
        results["ack"] = yield from bench.send(PUBACK, 3)
        results["nothing"] = yield from bench.take()
        yield mark("done")

    bench = Bench(steps)
    bench.run()
    assert bench.system.labels() == ["done"]
    assert bench.results == {"connect": 0, "subscribe": 0, "publish": 0, "suback": 1,
                             "puback": 1, "publish_in": 1, "busy": EBUSY, "read1": 5,
                             "read2": 6, "read3": 0, "ack": 0, "nothing": 0}
    connect, subscribe, publish, ack = bench.broker.sent
    assert connect == mqtt.Connect("device", 4, True, 30, mqtt.Will("dev/will", b"gone", 1))
    assert subscribe == mqtt.Subscribe(1, (mqtt.Subscription("in/#", 2),
                                           mqtt.Subscription("cfg", 1)))
    assert publish == mqtt.Publish("out/t", b"21.5", 1, False, False, 7)
    assert ack == mqtt.PubAck(3)
    connack, suback, puback, publish_in = bench.events
    assert connack == (EVT_CONNACK, 0, 0, 0, 0, 0, 0)
    assert suback == (EVT_SUBACK, 0, 1, 0, 0, 2, 0)
    assert puback == (EVT_PUBACK, 0, 7, 0, 0, 0, 0)
    assert publish_in == (EVT_PUBLISH, 0, 3, 1, 1, 4, 11)  # retain, topic 4, payload 11
    assert bench.rx_text(4) == b"in/a"
    assert bench.system.cpu.read_memory(bench.payload, 11) == b"hello world"
    session = bench.kernel.sockets.socket(bench.fd).mqtt  # type: ignore[union-attr]
    assert session is not None and not session.awaiting_ack
    judged = [(e["action"], e["fields"].get("direction")) for e in
              bench.system.events("service_message")]
    assert judged == [("connect", None), ("subscribe", None), ("publish", "out"),
                      ("publish", "in")]


def test_qos2_both_ways_and_the_identifiers_in_flight() -> None:
    def steps(bench: Bench) -> Script:
        yield from bench.open()
        results = bench.results
        results["q2"] = yield from bench.send(PUBLISH, 5, 2, [(b"t", 0)], b"x")
        results["again"] = yield from bench.send(PUBLISH, 5, 2, [(b"t", 0)], b"x")
        for number in range(6, 6 + 15):
            yield from bench.send(PUBLISH, number, 1, [(b"t", 0)], b"x")
        results["seventeenth"] = yield from bench.send(PUBLISH, 40, 1, [(b"t", 0)], b"x")
        bench.broker.answer(mqtt.PubRec(5))
        yield from bench.take()
        results["release"] = yield from bench.send(PUBREL, 5)
        results["eighteenth"] = yield from bench.send(PUBLISH, 41, 1, [(b"t", 0)], b"x")
        yield mark("done")

    bench = Bench(steps)
    bench.run()
    assert bench.results["q2"] == 0
    assert bench.results["again"] == EINVAL  # already in flight, not a DUP
    assert bench.results["seventeenth"] == ENOMEM
    assert bench.results["release"] == 0
    assert bench.results["eighteenth"] == ENOMEM  # 5 still awaits its PUBCOMP
    session = bench.kernel.sockets.socket(bench.fd).mqtt  # type: ignore[union-attr]
    assert session is not None and session.awaiting_complete == {5}
    assert bench.broker.sent[-1] == mqtt.PubRel(5)


def test_keep_alive_on_simulated_time() -> None:
    def steps(bench: Bench) -> Script:
        yield from bench.open(keepalive=1)
        results = bench.results
        results["early"] = s32((yield call("z_levante_mqtt_live", bench.fd)))
        results["left"] = s32((yield call("z_levante_mqtt_keepalive_left", bench.fd)))
        yield call("k_sleep", 200)  # two seconds: past the keep-alive
        results["due"] = s32((yield call("z_levante_mqtt_keepalive_left", bench.fd)))
        results["live"] = s32((yield call("z_levante_mqtt_live", bench.fd)))
        results["after"] = s32((yield call("z_levante_mqtt_live", bench.fd)))
        yield mark("done")

    bench = Bench(steps)
    bench.run()
    assert bench.results["early"] == EAGAIN and bench.results["after"] == EAGAIN
    assert 0 < bench.results["left"] <= 1000
    assert bench.results["due"] == 0 and bench.results["live"] == 0
    assert bench.broker.sent[-1] == mqtt.PingReq()


def test_the_control_point_refuses_out_and_drops_in() -> None:
    class NoSecrets:
        def judge(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
            topic = str(message.fields.get("topic", ""))
            return EACCES if topic.startswith("secret") else None

    def steps(bench: Bench) -> Script:
        bench.kernel.service_policy = NoSecrets()
        yield from bench.open()
        results = bench.results
        results["refused"] = yield from bench.send(PUBLISH, 0, 0, [(b"secret/k", 0)], b"x")
        bench.broker.answer(mqtt.Publish("secret/in", b"no"), mqtt.Publish("open", b"yes"))
        results["in"] = yield from bench.take()
        yield mark("done")

    bench = Bench(steps)
    bench.run()
    assert bench.results == {"connect": 0, "refused": EACCES, "in": 1}
    assert len(bench.broker.sent) == 1  # the CONNECT alone left
    assert bench.events[-1][0] == EVT_PUBLISH and bench.rx_text(4) == b"open"
    verdicts = [(e["fields"].get("topic"), e["verdict"])
                for e in bench.system.events("service_message")][1:]
    assert verdicts == [("secret/k", "deny"), ("secret/in", "deny"), ("open", "allow")]


def broken_stream(data: bytes, rx_size: int = 64) -> Bench:
    def steps(bench: Bench) -> Script:
        yield from bench.open()
        bench.broker.answer(data)
        bench.results["input"] = yield from bench.take(rx_size)
        bench.results["then"] = yield from bench.take(rx_size)
        bench.results["send"] = yield from bench.send(PINGREQ)
        yield mark("done")

    bench = Bench(steps)
    bench.run()
    assert bench.system.labels() == ["done"]
    return bench


def test_a_broken_stream_ends_the_session_with_its_error() -> None:
    cases = [
        (bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), EBADMSG),  # CVE-2020-10062
        (bytes([0x30, 0x05, 0x00, 0xFF]) + b"abc", EBADMSG),  # CVE-2020-10070/10071
        (bytes([0x30, 0x80, 0x80, 0x40]), EMSGSIZE),  # 1 MiB announced
        (mqtt.encode(mqtt.ConnAck(), 4), EBADMSG),  # a second CONNACK
        (mqtt.encode(mqtt.PingReq(), 4), EBADMSG),  # a client's packet
        (mqtt.encode(mqtt.Publish("t" * 100, b""), 4), ENOMEM),  # over rx_buf
    ]
    for data, error in cases:
        bench = broken_stream(data)
        assert bench.results["input"] == 1
        assert bench.events[-1] == (EVT_DISCONNECT, error, 0, 0, 0, 0, 0), data
        assert bench.results["then"] == ENOTCONN and bench.results["send"] == ENOTCONN
        assert [e["result"] for e in bench.system.events("mqtt_session_end")] == [error]


def test_bad_arguments_are_refused_before_anything_is_sent() -> None:
    def steps(bench: Bench) -> Script:
        yield from bench.open()
        results = bench.results
        results["wildcard"] = yield from bench.send(PUBLISH, 0, 0, [(b"a/#", 0)], b"x")
        results["qos3"] = yield from bench.send(PUBLISH, 1, 3, [(b"a", 0)], b"x")
        results["no id"] = yield from bench.send(PUBLISH, 0, 1, [(b"a", 0)], b"x")
        results["long topic"] = yield from bench.send(PUBLISH, 0, 0, [(b"a" * 300, 0)])
        results["nine"] = yield from bench.send(SUBSCRIBE, 2, 0, [(b"a", 0)] * 9)
        results["none"] = yield from bench.send(UNSUBSCRIBE, 2, 0, [])
        results["bad filter"] = yield from bench.send(SUBSCRIBE, 2, 0, [(b"a/#/b", 0)])
        results["bad utf8"] = yield from bench.send(PUBLISH, 0, 0, [(b"\xff\xfe", 0)])
        results["unknown"] = yield from bench.send(2)
        # The session's socket carries no raw bytes either way.
        results["raw send"] = s32((yield call("z_levante_zsock_sendto", bench.fd, bench.rx, 2,
                                              0, 0, 0)))
        results["raw receive"] = s32((yield call("z_levante_zsock_recvfrom", bench.fd,
                                                 bench.rx, 2, 0, 0, 0)))
        results["twice"] = s32((yield call("z_levante_mqtt_connect", bench.fd, bench.record)))
        results["3.1.0"] = s32((yield call(
            "z_levante_mqtt_connect", 99, connect_record(bench.system, bench.record, version=3))))
        yield mark("done")

    bench = Bench(steps)
    bench.run()
    results = bench.results
    assert {name: results[name] for name in ("wildcard", "qos3", "no id", "long topic", "nine",
                                             "none", "bad filter", "bad utf8", "unknown")} \
        == dict.fromkeys(("wildcard", "qos3", "no id", "long topic", "nine", "none",
                          "bad filter", "bad utf8", "unknown"), EINVAL)
    assert results["raw send"] == EBUSY and results["raw receive"] == EBUSY
    assert results["twice"] == -ERRNO["EALREADY"] and results["3.1.0"] == -ERRNO["EBADF"]
    assert bench.broker.sent == [bench.broker.sent[0]]  # the CONNECT only


def test_a_user_thread_reaches_only_sessions_it_may_use() -> None:
    """The session is the socket's: a user thread without a grant gets EBADF, and a
    pointer into memory it may not read faults it, not the kernel."""
    where: dict[str, int] = {}

    def user_steps(_: Args) -> Script:
        where["denied"] = s32((yield call("z_levante_mqtt_live", where["fd"])))
        where["denied_input"] = s32((yield call("z_levante_mqtt_input", where["fd"],
                                                where["own"], where["own"] + 32, 16)))
        yield call("k_sleep", 20)  # main grants the socket meanwhile
        where["mine"] = s32((yield call("z_levante_mqtt_keepalive_left", where["fd"])))
        yield call("z_levante_mqtt_send", where["fd"], where["kernel"])  # faults here
        where["after"] = 1

    def steps(bench: Bench) -> Script:
        yield from bench.open()
        where["fd"] = bench.fd
        yield call("k_sleep", 10)
        sock = yield call("zsock_get_context_object", bench.fd)
        yield call("k_object_access_grant", sock, where["user"])
        yield call("k_sleep", 10)
        bench.results["still"] = s32((yield call("z_levante_mqtt_keepalive_left", bench.fd)))
        yield mark("done")

    class UserBench(Bench):
        def __init__(self) -> None:
            self.system = MockSystem(net_sockets=True, mqtt_lib=True, userspace=True)
            where["user"] = self.system.thread("user", user_steps, 5,
                                               options=THREAD_OPTIONS["K_USER"])
            self.results = {}
            self.events = []
            self.fd = -1
            self.system.main(lambda _: steps(self))
            self.kernel = self.system.boot()
            self.network = attach(self.system, self.kernel)
            self.address = self.system.ram(8)
            self.system.cpu.write_memory(self.address, SOCKADDR_BROKER)
            self.record, self.event = self.system.ram(256), self.system.ram(EVENT.size)
            self.rx, self.payload = self.system.ram(64), self.system.ram(64)
            where["own"] = self.system.thread_named("user").stack_start + 64
            where["kernel"] = self.record

    bench = UserBench()
    bench.system.fatal_handler(returning_fatal_handler)
    bench.run()
    assert where["denied"] == -ERRNO["EBADF"] and where["denied_input"] == -ERRNO["EBADF"]
    assert 0 < where["mine"] <= 60_000
    assert "after" not in where
    assert [event["thread"] for event in bench.system.events("fault")] == ["user"]
    assert bench.system.labels() == ["done"] and bench.results["still"] > 0
