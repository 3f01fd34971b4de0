"""Run every benchmark; end with one `BENCH <name> <ratio> <target> <ok|below>` line each."""

from __future__ import annotations

from bench import (
    bench_boot,
    bench_codecs_app,
    bench_codecs_net,
    bench_granules,
    bench_mips,
    bench_syscall,
    bench_user_mode,
    bench_yield,
)

BENCHMARKS = (
    bench_mips.run,
    bench_syscall.run,
    bench_yield.run,
    bench_user_mode.run_syscall,
    bench_user_mode.run_switch,
    bench_granules.run,
    bench_boot.run,
    bench_boot.run_power_on,
    *bench_codecs_net.BENCHMARKS,
    bench_codecs_app.run_coap,
    bench_codecs_app.run_mqtt,
    bench_codecs_app.run_mqtt_publish,
)


def main() -> None:
    results = []
    for benchmark in BENCHMARKS:
        result = benchmark()
        print(f"{result.name}: {result.details}", flush=True)
        results.append(result)
    for result in results:
        print(result.line())


if __name__ == "__main__":
    main()
