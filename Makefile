# Levante: `make run` boots hello_world, `make test` runs lint, type checks and tests.
# Every target goes through `setup`, which installs only what is missing.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi picolibc-arm-none-eabi mosquitto qemu-system-arm \
	device-tree-compiler gdb-multiarch iproute2 iputils-ping socat dnsmasq-base openssl libcoap3-bin netcat-openbsd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STRICT_TYPED := src/levante/kernel src/levante/debug src/levante/config src/levante/arch/interface.py \
	src/levante/abi src/levante/image src/levante/arch/memview.py src/levante/arch/mpu \
	src/levante/arch/cortex_m/protection.py src/levante/arch/cortex_m/native.py src/levante/crypto \
	src/levante/codecs src/levante/services src/levante/net src/levante/boot src/levante/commands src/levante/board src/levante/devices \
	src/levante/sdk/mcuboot.py src/levante/sdk/cmake_app.py src/levante/sdk/linker_sources.py \
	src/levante/sdk/inc_file.py \
	src/levante/sdk/defines.py src/levante/sdk/unsupported.py src/levante/sdk/devices_gen.py \
	src/levante/sdk/devicetree_header.py src/levante/sdk/app_syscalls.py src/levante/sdk/parallel.py src/levante/testing \
	src/levante/policy src/levante/sdk/policy_build.py src/levante/sdk/build_artifacts.py src/levante/sdk/domain_build.py src/levante/idl src/levante/sdk/idl_build.py src/levante/grammar_errors.py

.PHONY: setup toolchain venv run test lint typecheck pytest bench fuzz clean

setup: toolchain venv

toolchain:
	@if ! command -v arm-none-eabi-gcc >/dev/null 2>&1 || \
	    [ ! -f /usr/lib/arm-none-eabi/newlib/thumb/v7e-m/nofp/libc_nano.a ] || \
	    [ ! -f /usr/lib/picolibc/arm-none-eabi/picolibc.specs ] || \
	    [ ! -x /usr/sbin/mosquitto ] || \
	    ! command -v qemu-system-arm >/dev/null 2>&1 || \
	    ! command -v dtc >/dev/null 2>&1 || \
	    ! command -v gdb-multiarch >/dev/null 2>&1 || \
	    ! command -v ip >/dev/null 2>&1 || \
	    ! command -v ping >/dev/null 2>&1 || \
	    ! command -v socat >/dev/null 2>&1 || \
	    ! command -v nc >/dev/null 2>&1 || \
	    ! command -v openssl >/dev/null 2>&1 || \
	    ! command -v coap-client-notls >/dev/null 2>&1; then \
		echo "installing the Arm toolchain and C libraries, dtc, GDB, the MQTT test broker, libcoap's CoAP client, QEMU (peer benchmark) and the network tools (ip, ping, socat, nc, openssl): $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml setup.py $(wildcard src/levante/arch/cortex_m/*.c)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

run: setup
	$(BIN)/levante build samples/hello_world -d build/hello_world
	$(BIN)/levante run build/hello_world

test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check src tests bench fuzz

typecheck: setup
	$(BIN)/mypy
	$(BIN)/mypy --strict $(STRICT_TYPED)

# The suite runs on every core (pytest-xdist), one test file per worker at a time so that a
# file's module-wide fixtures are made once; docs/testing.md. PYTEST_WORKERS=0: one process.
# --durations: the slowest tests are listed at the end of every run, to keep the suite fast.
PYTEST_WORKERS ?= auto
pytest: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=25

bench: setup
	$(BIN)/python -m bench

# Coverage-guided fuzzing of every codec and of the stack's input path (atheris), then the
# system-call fuzzer on both boards (SYSCALL_FUZZ_SEEDS seeds each); the test suite runs a
# short bound of both.
SYSCALL_FUZZ_SEEDS ?= 32
fuzz: setup
	$(BIN)/python fuzz/run.py --runs 100000
	$(BIN)/python fuzz/syscall_fuzz.py --seeds $(SYSCALL_FUZZ_SEEDS)

clean:
	rm -rf build
