"""Checked copies of system-call memory arguments against the caller's memory view."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mock_cpu import FLASH_BASE, FLASH_SIZE, RAM_BASE, RAM_SIZE, MockCpu

from levante.arch.interface import AccessKind, AccessRegion
from levante.arch.memview import flatten
from levante.kernel.caller import Caller
from levante.kernel.fatal import K_ERR_CPU_EXCEPTION, Oops
from levante.kernel.memdomain import supervisor_view
from levante.kernel.thread import Thread
from levante.kernel.usermem import CallerMemory, MemoryFault, UserBuffer

FOUR_GIB = 1 << 32

CODE = AccessRegion(FLASH_BASE, 0x1000, read=True, execute=True, name="code")
DATA = AccessRegion(RAM_BASE + 0x1000, 0x100, read=True, write=True, name="data")
# Adjacent to DATA and writable too: a buffer may span both.
MORE = AccessRegion(RAM_BASE + 0x1100, 0x100, read=True, write=True, name="more")
RODATA = AccessRegion(RAM_BASE + 0x2000, 0x40, read=True, name="rodata")
SECRET = AccessRegion(RAM_BASE + 0x2040, 0x40, read=False, name="no access")
VIEW = (CODE, DATA, MORE, RODATA, SECRET)
# The privileged map every kernel access obeys: flash read/execute, SRAM read/write.
PRIVILEGED = supervisor_view((FLASH_BASE, FLASH_SIZE), (RAM_BASE, RAM_SIZE), True, 0, None)
# A privileged map over the whole address space: the range arithmetic alone decides.
EVERYTHING = (AccessRegion(0, FOUR_GIB, read=True, write=True, execute=True),)


def unbounded_memory() -> CallerMemory:
    return CallerMemory(MockCpu(), lambda caller: flatten(EVERYTHING))


def user_thread(view: tuple[AccessRegion, ...] | None = VIEW) -> Thread:
    thread = Thread(0x2000_0400, "app", 5, 0, context=None)
    thread.user = True
    thread.view = view
    return thread


@pytest.fixture
def cpu() -> MockCpu:
    return MockCpu()


@pytest.fixture
def memory(cpu: MockCpu) -> CallerMemory:
    return CallerMemory(cpu, lambda caller: flatten(PRIVILEGED))


@pytest.fixture
def user() -> Caller:
    return user_thread().caller


@pytest.fixture
def supervisor() -> Caller:
    thread = Thread(0x2000_0500, "sup", 0, 0, context=None)
    thread.view = (DATA,)  # ignored: a supervisor is not checked
    return thread.caller


# ---- check ----------------------------------------------------------------------------------


def test_reads_and_writes_inside_a_region_are_allowed(memory: CallerMemory, cpu: MockCpu,
                                                      user: Caller) -> None:
    memory.write(user, DATA.start, b"hello")
    assert cpu.read_memory(DATA.start, 5) == b"hello"
    assert memory.read(user, DATA.start, 5) == b"hello"
    memory.write(user, DATA.end - 4, b"tail")  # up to the last byte
    assert memory.read(user, DATA.end - 4, 4) == b"tail"
    cpu.write_memory(CODE.start, b"\x70\x47")
    assert memory.read(user, CODE.start, 2) == b"\x70\x47"


@pytest.mark.parametrize("access", [AccessKind.READ, AccessKind.WRITE])
def test_one_byte_past_a_region_oopses(memory: CallerMemory, user: Caller,
                                       access: AccessKind) -> None:
    end = MORE.end  # nothing mapped after MORE
    memory.check(user, end - 8, 8, access)
    with pytest.raises(Oops, match="outside the memory of thread 'app'"):
        memory.check(user, end - 8, 9, access)
    with pytest.raises(Oops):
        memory.check(user, end, 1, access)
    with pytest.raises(Oops):
        memory.check(user, DATA.start - 1, 2, access)  # one byte before


def test_one_byte_past_a_region_is_not_read_or_written(memory: CallerMemory, cpu: MockCpu,
                                                       user: Caller) -> None:
    cpu.write_memory(MORE.end - 4, b"abcd")
    with pytest.raises(Oops):
        memory.read(user, MORE.end - 4, 5)
    with pytest.raises(Oops):
        memory.write(user, MORE.end - 4, b"WXYZQ")
    assert cpu.read_memory(MORE.end - 4, 5) == b"abcd\0"


def test_read_only_regions_refuse_writes(memory: CallerMemory, cpu: MockCpu,
                                         user: Caller) -> None:
    cpu.write_memory(RODATA.start, b"const")
    assert memory.read(user, RODATA.start, 5) == b"const"
    with pytest.raises(Oops, match="write of 5 bytes"):
        memory.write(user, RODATA.start, b"XXXXX")
    assert cpu.read_memory(RODATA.start, 5) == b"const"
    with pytest.raises(Oops):
        memory.write(user, CODE.start, b"\0")  # code is read/execute only


def test_regions_without_rights_refuse_reads(memory: CallerMemory, user: Caller) -> None:
    with pytest.raises(Oops, match="read of 1 bytes"):
        memory.read(user, SECRET.start, 1)
    with pytest.raises(Oops):
        memory.read(user, RODATA.end - 1, 2)  # readable, then not


def test_a_range_spanning_adjacent_regions(memory: CallerMemory, user: Caller) -> None:
    memory.write(user, DATA.end - 4, b"12345678")
    assert memory.read(user, DATA.end - 4, 8) == b"12345678"
    memory.check(user, DATA.start, DATA.size + MORE.size, AccessKind.WRITE)
    # Readable across RODATA into SECRET is refused, as is writing RODATA after MORE.
    with pytest.raises(Oops):
        memory.check(user, RODATA.start, RODATA.size + 1, AccessKind.READ)
    spanning_rights = (DATA, AccessRegion(DATA.end, 0x40, read=True, name="ro after rw"))
    caller = user_thread(spanning_rights).caller
    memory.check(caller, DATA.end - 4, 8, AccessKind.READ)
    with pytest.raises(Oops):
        memory.check(caller, DATA.end - 4, 8, AccessKind.WRITE)


def test_a_gap_between_regions_oopses(memory: CallerMemory) -> None:
    gapped = (DATA, AccessRegion(DATA.end + 1, 0x40, read=True, write=True))
    caller = user_thread(gapped).caller
    with pytest.raises(Oops):
        memory.check(caller, DATA.end - 1, 3, AccessKind.READ)


@pytest.mark.parametrize("who", ["user", "supervisor", "isr"])
def test_address_plus_size_wrapping_oopses_for_everyone(memory: CallerMemory, user: Caller,
                                                        supervisor: Caller, who: str) -> None:
    caller = {"user": user, "supervisor": supervisor,
              "isr": Caller(user.thread, in_isr=True)}[who]
    with pytest.raises(Oops, match="wraps around"):
        memory.check(caller, 0xFFFF_FF00, 0x101, AccessKind.READ)
    with pytest.raises(Oops, match="wraps around"):
        # CVE-2020-10067: a huge size makes address + size wrap to a small number.
        memory.read(caller, DATA.start, FOUR_GIB - DATA.start + 0x10)
    with pytest.raises(Oops, match="wraps around"):
        memory.write(caller, 0xFFFF_FFFF, b"ab")
    with pytest.raises(Oops):
        memory.check(caller, DATA.start, -1, AccessKind.READ)


def test_a_range_ending_at_the_top_of_the_address_space_is_not_a_wrap(
        supervisor: Caller) -> None:
    memory = unbounded_memory()
    memory.check(supervisor, 0xFFFF_FF00, 0x100, AccessKind.READ)
    top = AccessRegion(0xFFFF_FF00, 0x100, read=True)
    memory.check(user_thread((top,)).caller, 0xFFFF_FF00, 0x100, AccessKind.READ)


def test_zero_size_buffers_are_not_checked_or_copied(memory: CallerMemory, user: Caller) -> None:
    assert memory.read(user, 0xDEAD_0000, 0) == b""
    memory.write(user, 0xDEAD_0000, b"")


def test_a_user_thread_without_a_view_may_touch_nothing(memory: CallerMemory) -> None:
    caller = user_thread(None).caller
    with pytest.raises(Oops):
        memory.read(caller, DATA.start, 1)
    with pytest.raises(Oops):
        memory.read_string(caller, DATA.start, 8)


def test_supervisor_and_isr_callers_ignore_the_user_view(memory: CallerMemory, cpu: MockCpu,
                                                        user: Caller,
                                                        supervisor: Caller) -> None:
    for caller in (supervisor, Caller(user.thread, in_isr=True)):
        memory.write(caller, SECRET.start, b"sup")
        assert memory.read(caller, SECRET.start, 3) == b"sup"
        memory.write(caller, RAM_BASE + 0x3000, b"x")  # outside every region
        assert cpu.read_memory(RAM_BASE + 0x3000, 1) == b"x"


def test_kernel_accesses_obey_the_privileged_map(memory: CallerMemory, cpu: MockCpu,
                                                 user: Caller, supervisor: Caller) -> None:
    """Flash is never written, memory that does not exist is never touched: the caller
    faults with a CPU exception that names the first refused address."""
    before = cpu.read_memory(FLASH_BASE + 0x100, 8)
    for caller in (supervisor, Caller(user.thread, in_isr=True)):
        with pytest.raises(MemoryFault) as refused:
            memory.write(caller, FLASH_BASE + 0x100, b"overwrite")
        assert refused.value.reason == K_ERR_CPU_EXCEPTION
        assert refused.value.address == FLASH_BASE + 0x100
        assert refused.value.access is AccessKind.WRITE
        assert memory.read(caller, FLASH_BASE + 0x100, 8) == before  # reading is fine
        with pytest.raises(MemoryFault) as refused:
            memory.read(caller, RAM_BASE + RAM_SIZE - 4, 8)  # runs off the end of SRAM
        assert refused.value.address == RAM_BASE + RAM_SIZE
    assert cpu.read_memory(FLASH_BASE + 0x100, 8) == before
    with pytest.raises(MemoryFault):
        memory.read(supervisor, 0x1000_0000, 4)


def test_a_user_buffer_is_checked_again_at_every_access(memory: CallerMemory, cpu: MockCpu,
                                                        user: Caller) -> None:
    """Rights are the owner's at the moment of the access, not when it was decoded."""
    buffer = memory.buffer(user, DATA.start, 8, AccessKind.WRITE)
    assert isinstance(buffer, UserBuffer)
    buffer.write(b"12345678")
    assert buffer.read() == b"12345678"
    user.thread.view = (CODE, MORE)  # the thread left the domain that held DATA
    with pytest.raises(Oops, match="outside the memory of thread 'app'"):
        buffer.write(b"stale!!!")
    with pytest.raises(Oops):
        buffer.read()
    assert cpu.read_memory(DATA.start, 8) == b"12345678"
    with pytest.raises(ValueError):
        memory.buffer(user, MORE.start, 4, AccessKind.WRITE).write(b"too long")


def test_decoding_a_bad_buffer_faults_at_once(memory: CallerMemory, user: Caller) -> None:
    with pytest.raises(Oops):
        memory.buffer(user, RODATA.start, 4, AccessKind.WRITE)
    with pytest.raises(Oops):
        memory.buffer(user, 0xFFFF_FFF0, 0x20, AccessKind.READ)


# ---- arrays ---------------------------------------------------------------------------------


def test_read_array_and_words(memory: CallerMemory, cpu: MockCpu, user: Caller) -> None:
    cpu.write_memory(DATA.start, struct.pack("<3I", 1, 0xFFFF_FFFF, 7))
    assert memory.read_array(user, DATA.start, 3, 4) == struct.pack("<3I", 1, 0xFFFF_FFFF, 7)
    assert memory.read_words(user, DATA.start, 3) == (1, 0xFFFF_FFFF, 7)
    assert memory.read_words(user, DATA.start, 0) == ()
    assert memory.read_array(user, DATA.start, 0, 4) == b""
    with pytest.raises(Oops):
        memory.read_words(user, MORE.end - 8, 3)  # the third word is outside


@pytest.mark.parametrize(
    ("count", "size"),
    [(0x4000_0000, 4), (0x1_0000, 0x1_0000), (FOUR_GIB, 1), (2, 0x8000_0000), (-1, 4), (4, -1)],
)
def test_read_array_size_overflow_oopses(memory: CallerMemory, user: Caller,
                                         supervisor: Caller, count: int, size: int) -> None:
    for caller in (user, supervisor):
        with pytest.raises(Oops):
            memory.read_array(caller, DATA.start, count, size)
        with pytest.raises(Oops):
            memory.check_array(caller, DATA.start, count, size, AccessKind.WRITE)


def test_check_array_returns_the_size(memory: CallerMemory, user: Caller) -> None:
    assert memory.check_array(user, DATA.start, 16, 4, AccessKind.WRITE) == 64
    assert memory.check_array(user, DATA.start, 0, 0x7FFF_FFFF, AccessKind.WRITE) == 0
    with pytest.raises(Oops, match="outside"):
        memory.check_array(user, DATA.start, 0x81, 4, AccessKind.WRITE)  # 0x204 > 0x200


def test_a_product_of_exactly_four_gib_overflows_even_at_address_zero(
        supervisor: Caller) -> None:
    memory = unbounded_memory()
    # 0x10000 * 0x10000 is 0 in 32 bits; [0, 2**32) itself would not wrap.
    memory.check(supervisor, 0, FOUR_GIB, AccessKind.READ)
    with pytest.raises(Oops, match="overflows"):
        memory.check_array(supervisor, 0, 0x1_0000, 0x1_0000, AccessKind.READ)


@given(count=st.integers(0, 1 << 33), size=st.integers(0, 1 << 33))
def test_check_array_overflow_matches_32_bit_multiplication(count: int, size: int) -> None:
    memory = unbounded_memory()
    supervisor = Thread(0, "sup", 0, 0, context=None).caller
    product = count * size
    if product <= FOUR_GIB - 0x1000:  # also fits at address 0x1000
        assert memory.check_array(supervisor, 0x1000, count, size, AccessKind.READ) == product
    else:
        with pytest.raises(Oops):
            memory.check_array(supervisor, 0x1000, count, size, AccessKind.READ)


# ---- strings --------------------------------------------------------------------------------


def test_read_string_stops_at_nul(memory: CallerMemory, cpu: MockCpu, user: Caller,
                                  supervisor: Caller) -> None:
    cpu.write_memory(DATA.start, b"name\0garbage")
    assert memory.read_string(user, DATA.start, 32) == b"name"
    assert memory.read_string(supervisor, DATA.start, 32) == b"name"
    cpu.write_memory(DATA.start + 0x20, b"\0")
    assert memory.read_string(user, DATA.start + 0x20, 32) == b""


def test_read_string_is_cut_at_the_limit(memory: CallerMemory, cpu: MockCpu,
                                         user: Caller) -> None:
    cpu.write_memory(DATA.start, b"abcdefgh\0")
    assert memory.read_string(user, DATA.start, 4) == b"abcd"
    assert memory.read_string(user, DATA.start, 0) == b""
    # The limit reaching exactly the end of readable memory is fine without a NUL.
    cpu.write_memory(MORE.end - 4, b"wxyz")
    assert memory.read_string(user, MORE.end - 4, 4) == b"wxyz"


def test_read_string_may_cross_into_an_adjacent_readable_region(memory: CallerMemory,
                                                                cpu: MockCpu,
                                                                user: Caller) -> None:
    cpu.write_memory(DATA.end - 3, b"abcdef\0")
    assert memory.read_string(user, DATA.end - 3, 64) == b"abcdef"


def test_read_string_running_out_of_memory_before_its_nul_oopses(memory: CallerMemory,
                                                                 cpu: MockCpu,
                                                                 user: Caller) -> None:
    cpu.write_memory(MORE.end - 4, b"wxyz")  # the NUL after it is not the thread's
    with pytest.raises(Oops, match="runs out of thread 'app''s memory"):
        memory.read_string(user, MORE.end - 4, 5)
    cpu.write_memory(RODATA.end - 2, b"ab\0")  # NUL is in SECRET
    with pytest.raises(Oops):
        memory.read_string(user, RODATA.end - 2, 16)
    with pytest.raises(Oops):
        memory.read_string(user, SECRET.start, 16)  # not readable at all
    with pytest.raises(Oops):
        memory.read_string(user, RAM_BASE + 0x3000, 16)  # outside every region


def test_read_string_by_a_supervisor_ignores_the_view(memory: CallerMemory, cpu: MockCpu,
                                                      supervisor: Caller) -> None:
    cpu.write_memory(SECRET.start, b"hidden\0")
    assert memory.read_string(supervisor, SECRET.start, 16) == b"hidden"
    cpu.write_memory(RAM_BASE + 0x3000, b"abc")
    assert memory.read_string(supervisor, RAM_BASE + 0x3000, 3) == b"abc"


def test_read_string_by_a_supervisor_stops_at_the_nul_near_the_end_of_memory(
        memory: CallerMemory, cpu: MockCpu, supervisor: Caller) -> None:
    ram_end = RAM_BASE + len(cpu.regions[1][1])
    cpu.write_memory(ram_end - 4, b"abc\0")
    assert memory.read_string(supervisor, ram_end - 4, 32) == b"abc"


@given(
    text=st.binary(min_size=0, max_size=40).filter(lambda data: b"\0" not in data),
    offset=st.integers(0, 0x1F0),
    limit=st.integers(0, 64),
)
def test_read_string_model(text: bytes, offset: int, limit: int) -> None:
    """A user string inside DATA+MORE: the text up to the limit, or an oops when the
    readable memory ends before both the NUL and the limit."""
    cpu = MockCpu()
    memory = CallerMemory(cpu, lambda caller: flatten(PRIVILEGED))
    caller = user_thread().caller
    address = DATA.start + offset
    stored = (text + b"\0")[: MORE.end - address]
    cpu.write_memory(address, stored)
    readable = MORE.end - address
    nul = stored.find(b"\0")
    if (nul >= 0 and nul < limit) or limit <= readable:
        expected = stored[: nul if 0 <= nul < limit else limit]
        assert memory.read_string(caller, address, limit) == expected
    else:
        with pytest.raises(Oops):
            memory.read_string(caller, address, limit)
