"""Run every benchmark; end with one `BENCH <name> <ratio> <target> <ok|below>` line each.

The per-operation figures under latency_measure's names come as one group; the peer
comparison (Levante vs Zephyr on QEMU, from ../shared/peer) runs last: it takes a few
minutes and yields four results, or none with a one-line note where it cannot run. The
network figures (bench_net: device over TAP vs Linux over veth, and vs PyTCP) need root and
are skipped the same way without it."""

from __future__ import annotations

from bench import (
    bench_app_syscall,
    bench_boot,
    bench_build,
    bench_coap,
    bench_codecs_app,
    bench_codecs_net,
    bench_fifo,
    bench_granules,
    bench_ipc,
    bench_latency,
    bench_mips,
    bench_mqtt,
    bench_net,
    bench_peer,
    bench_policy,
    bench_smp,
    bench_syscall,
    bench_user_mode,
    bench_work,
    bench_yield,
)

BENCHMARKS = (
    bench_mips.run,
    bench_syscall.run,
    bench_yield.run,
    bench_work.run,
    bench_fifo.run,
    bench_app_syscall.run,
    bench_user_mode.run_syscall,
    bench_user_mode.run_switch,
    bench_granules.run,
    bench_boot.run,
    bench_boot.run_power_on,
    bench_build.run,
    *bench_codecs_net.BENCHMARKS,
    bench_codecs_app.run_coap,
    bench_codecs_app.run_mqtt,
    bench_codecs_app.run_mqtt_publish,
    bench_smp.run,
    bench_coap.run,
    bench_policy.run_overhead,
    bench_policy.run_verdict,
    bench_mqtt.run,
    bench_ipc.run,
)
# Benchmarks that yield several results at once.
GROUPS = (bench_latency.run, bench_policy.run_peers, bench_net.run, bench_peer.run)


def main() -> None:
    results = []
    for benchmark in BENCHMARKS:
        result = benchmark()
        print(f"{result.name}: {result.details}", flush=True)
        results.append(result)
    for group in GROUPS:
        for result in group():
            print(f"{result.name}: {result.details}", flush=True)
            results.append(result)
    for result in results:
        print(result.line())


if __name__ == "__main__":
    main()
