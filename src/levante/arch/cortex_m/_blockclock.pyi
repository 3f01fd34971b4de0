"""Type stub for the C block clock extension."""

class BlockClock:
    executed: int
    limit: int
    @property
    def blocks(self) -> int: ...
    @property
    def last_block(self) -> tuple[int, int]: ...
    def __init__(
        self,
        *,
        uc: int,
        hook_add: int,
        hook_del: int,
        emu_stop: int,
        mem_read: int,
        reg_read_batch: int,
        reg_write_batch: int,
        frame_ids: tuple[int, ...],
    ) -> None: ...
    def read_frame(self) -> tuple[int, int, int, int, int, int, int, int]: ...
    def set_result(self, low: int, high: int | None = None, /) -> None: ...
    def remove(self) -> None: ...
    def invalidate(self) -> None: ...
