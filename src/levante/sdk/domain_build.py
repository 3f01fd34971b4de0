"""The build step of an application's security domains: domains.toml → domains.json.

```toml
[domains.control]
threads = ["main", "ctl"]     # the image's threads that begin in this domain

[domains.network]
threads = ["net_rx"]
partitions = ["net_part"]     # K_APPMEM_PARTITION_DEFINE names: its memory domain
```

A domain's name and its partitions' are C identifiers (the ones `LEVANTE_DOMAIN_DEFINE`
and `K_APPMEM_PARTITION_DEFINE` take), a thread begins in at most one domain, and
there are at most `MAX_DOMAINS` domains with the default one.  Every mistake fails the
build with one line naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from levante.errors import BuildError
from levante.kernel.domains import DEFAULT_DOMAIN, MAX_DOMAINS
from levante.sdk.build_artifacts import read_compiled, read_source, write_compiled

DOMAINS_SOURCE = "domains.toml"  # next to prj.conf
COMPILED_DOMAINS = "domains.json"  # in the build folder, installed by `levante run`
FORMAT_VERSION = 1
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,30}")
THREAD_NAME_LIMIT = 31  # CONFIG_THREAD_MAX_NAME_LEN's room, without the NUL


def compile_domains(text: str, source: str) -> dict[str, Any]:
    """The compiled form of a manifest's text; BuildError for any mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BuildError(f"{source}: not TOML: {error}") from None
    unknown = sorted(set(data) - {"domains"})
    if unknown:
        raise BuildError(f"{source}: unknown key {unknown[0]!r} (the manifest has "
                         "[domains.NAME] tables)")
    domains = data.get("domains", {})
    if not isinstance(domains, dict):
        raise BuildError(f"{source}: domains: a table of [domains.NAME] tables")
    if len(domains) + (DEFAULT_DOMAIN not in domains) > MAX_DOMAINS:
        raise BuildError(f"{source}: domains: more than {MAX_DOMAINS - 1} domains "
                         "besides the default one")
    placed: dict[str, str] = {}
    compiled: dict[str, dict[str, list[str]]] = {}
    for name, body in domains.items():
        where = f"{source}: domains.{name}"
        if not _IDENTIFIER.fullmatch(name):
            raise BuildError(f"{where}: a domain's name is a C identifier of at most 31 "
                             "characters")
        if not isinstance(body, dict):
            raise BuildError(f"{where}: a table ([domains.{name}])")
        extra = sorted(set(body) - {"threads", "partitions"})
        if extra:
            raise BuildError(f"{where}: unknown key {extra[0]!r} (known: partitions, "
                             "threads)")
        threads = body.get("threads", [])
        if not isinstance(threads, list) or not all(isinstance(thread, str)
                                                    for thread in threads):
            raise BuildError(f"{where}.threads: a list of thread names")
        for thread in threads:
            if not 0 < len(thread.encode()) <= THREAD_NAME_LIMIT:
                raise BuildError(f"{where}.threads: {thread!r} is not a thread name "
                                 f"(1 to {THREAD_NAME_LIMIT} bytes)")
            if thread in placed:
                raise BuildError(f"{where}.threads: thread {thread!r} is already in "
                                 f"domain {placed[thread]!r}")
            placed[thread] = name
        partitions = body.get("partitions", [])
        if not isinstance(partitions, list) or not all(
                isinstance(partition, str) and _IDENTIFIER.fullmatch(partition)
                for partition in partitions) or len(set(partitions)) != len(partitions):
            raise BuildError(f"{where}.partitions: a list of distinct partition names (C "
                             "identifiers, K_APPMEM_PARTITION_DEFINE's)")
        compiled[name] = {"threads": sorted(threads), "partitions": partitions}
    return {"version": FORMAT_VERSION, "domains": compiled}


def build_domains(app_dir: Path, build_dir: Path) -> Path | None:
    """Compile the application's manifest into the build folder (None when it has
    none; an earlier build's compiled manifest is removed then)."""
    source = app_dir / DOMAINS_SOURCE
    target = build_dir / COMPILED_DOMAINS
    if not source.is_file():
        target.unlink(missing_ok=True)
        return None
    return write_compiled(target, compile_domains(read_source(source, "domains"),
                                                  str(source)))


def load_compiled_domains(build_dir: Path) -> dict[str, dict[str, list[str]]] | None:
    """The build's domains (name → its threads and partitions), None when it was built
    without any."""
    path = build_dir / COMPILED_DOMAINS
    compiled = read_compiled(path, "domains", FORMAT_VERSION)
    if compiled is None:
        return None
    if not isinstance(compiled.get("domains"), dict):
        raise BuildError(f"{path}: compiled domains of another version: rebuild")
    domains: dict[str, dict[str, list[str]]] = compiled["domains"]
    return domains
