"""Type stub for the C granule guard extension."""

class GranuleGuard:
    def __init__(
        self,
        *,
        uc: int,
        hook_add: int,
        emu_stop: int,
        mem_regions: int,
        mem_protect: int,
        free: int,
        reg_read: int,
        reg_write: int,
        epsr_id: int,
        blocks: tuple[tuple[int, int], ...],
    ) -> None: ...
    def set_rights(self, rights: bytes | None, /) -> None: ...
    def watch_data(self, start: int, size: int, /) -> None: ...
    def watch_code(self, start: int, size: int, /) -> None: ...
    def take_violation(self) -> tuple[int, int] | None: ...
