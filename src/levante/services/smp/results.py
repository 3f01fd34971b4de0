"""SMP's result codes: the generic `rc` values (MGMT_ERR_*) and the groups' own (`err`
with its group under SMP version 2), and the refusal that carries them."""

from __future__ import annotations

from enum import IntEnum

from levante.codecs.smp import SmpValue


class Mgmt(IntEnum):
    """The generic result codes every group may answer with."""

    EOK = 0
    EUNKNOWN = 1
    ENOMEM = 2
    EINVAL = 3
    ETIMEOUT = 4
    ENOENT = 5
    EBADSTATE = 6
    EMSGSIZE = 7
    ENOTSUP = 8
    ECORRUPT = 9
    EBUSY = 10
    EACCESSDENIED = 11


class ImageError(IntEnum):
    """The image group's own codes (those this server answers with)."""

    UNKNOWN = 1
    NO_IMAGE = 3
    HASH_NOT_FOUND = 8
    NO_FREE_SLOT = 9
    FLASH_WRITE_FAILED = 12
    FLASH_ERASE_FAILED = 13
    INVALID_SLOT = 14
    INVALID_OFFSET = 20
    INVALID_LENGTH = 21
    INVALID_IMAGE_HEADER_MAGIC = 23
    INVALID_HASH = 24
    CURRENT_VERSION_IS_NEWER = 27
    IMAGE_ALREADY_PENDING = 28
    INVALID_IMAGE_TOO_LARGE = 30
    INVALID_IMAGE_DATA_OVERRUN = 31
    IMAGE_SETTING_TEST_TO_ACTIVE_DENIED = 33


class OsError(IntEnum):
    """The OS group's own codes."""

    UNKNOWN = 1
    INVALID_FORMAT = 2
    QUERY_YIELDS_NO_ANSWER = 3


class StatError(IntEnum):
    """The statistics group's own codes."""

    UNKNOWN = 1
    INVALID_GROUP = 2
    INVALID_STAT_NAME = 3
    INVALID_STAT_SIZE = 4
    WALK_ABORTED = 5


# What an image-group code reads as under SMP version 1, which has no group codes.
_IMAGE_AS_GENERIC = {
    ImageError.NO_IMAGE: Mgmt.ENOENT,
    ImageError.NO_FREE_SLOT: Mgmt.EBADSTATE,
    ImageError.CURRENT_VERSION_IS_NEWER: Mgmt.EBADSTATE,
    ImageError.IMAGE_ALREADY_PENDING: Mgmt.EBADSTATE,
    ImageError.INVALID_SLOT: Mgmt.EINVAL,
    ImageError.INVALID_OFFSET: Mgmt.EINVAL,
    ImageError.INVALID_LENGTH: Mgmt.EINVAL,
    ImageError.INVALID_HASH: Mgmt.EINVAL,
    ImageError.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED: Mgmt.EBADSTATE,
}

GROUP_OS, GROUP_IMAGE, GROUP_STAT, GROUP_SHELL = 0, 1, 2, 9


class Refusal(Exception):  # noqa: N818 - a refusal is the answer, not a failure
    """A command refused: with a group code (`group`, `code`) or a generic one (`rc`)."""

    def __init__(self, rc: Mgmt, reason: str, group: int | None = None,
                 code: int | None = None) -> None:
        super().__init__(reason)
        self.rc, self.reason, self.group, self.code = rc, reason, group, code

    @classmethod
    def image(cls, code: ImageError, reason: str) -> Refusal:
        return cls(_IMAGE_AS_GENERIC.get(code, Mgmt.EUNKNOWN), reason, GROUP_IMAGE, code)

    @classmethod
    def stat(cls, code: StatError, reason: str) -> Refusal:
        # Zephyr answers an unknown group name with ENOENT under version 1.
        generic = Mgmt.ENOENT if code in (StatError.INVALID_GROUP,
                                          StatError.INVALID_STAT_NAME) else Mgmt.EUNKNOWN
        return cls(generic, reason, GROUP_STAT, code)

    @classmethod
    def os(cls, code: OsError, reason: str) -> Refusal:
        return cls(Mgmt.EUNKNOWN, reason, GROUP_OS, code)

    def body(self, version_2: bool) -> dict[str, SmpValue]:
        """The response body: version 2 names a group's own code under "err"."""
        if version_2 and self.group is not None and self.code is not None:
            return {"err": {"group": self.group, "rc": int(self.code)}}
        return {"rc": int(self.rc)}
