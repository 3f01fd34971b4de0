"""A C program with user threads in two security domains (tests/target/security_domains:
domains.toml, policy.lvp) on both boards: handles with rights stand for a permission
with exactly their rights, rights only shrink, a revoke reaches every derived copy, the
policy sees a handle call's rights, and a thread that renames itself keeps its domain.
Without the manifest the same program shows the gap that names alone leave."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import Builder, levante
from levante.abi import ERRNO

APP = Path(__file__).parent / "security_domains"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_handles_and_domains_end_to_end(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="2s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert "main domain control" in lines and "create: ok" in lines
    assert f"widen: {-ERRNO['EINVAL']}" in lines  # a duplicate never adds a right
    assert f"transfer copy: {-ERRNO['EACCES']}" in lines  # the policy's deny on `rights`
    assert "signal-only: type sem rights 4 live 1" in lines
    assert f"copy without DUPLICATE: {-ERRNO['EPERM']}" in lines
    assert f"old after replace: {-ERRNO['EBADF']}" in lines
    assert "revoked: 3" in lines and f"grandchild after revoke: {-ERRNO['EBADF']}" in lines
    assert f"forged: {-ERRNO['EBADF']}" in lines
    # signaler (user, no permission on the door) gave through its domain's handle and
    # faulted on the take, which needs WAIT.
    assert "signaler domain control" in lines and "signaler gave" in lines
    assert "signaler took" not in lines and "FATAL 3 in domain control" in lines
    faults = result.events("fault")
    assert [(event["thread"], event["reason"]) for event in faults] == [
        ("signaler", "K_ERR_KERNEL_OOPS"), ("spy", "K_ERR_CPU_EXCEPTION")]
    # net renamed itself "main" and stayed in network: its give was refused.
    assert "net rename: 0" in lines and "net (now named main) domain network" in lines
    assert "net bell count 0" in lines
    # net_part is network's memory (domains.toml): net writes it, spy (control) cannot.
    assert "net wrote 42" in lines and not any(line.startswith("spy read") for line in lines)
    assert "FATAL 0 in domain control" in lines
    assert "door count 1 bell count 0 net_data 42" in lines
    refused = [(event["thread"], event["call"]) for event in result.events("policy_refused")]
    assert refused == [("main", "levante_handle_duplicate"), ("main", "k_sem_give")]
    audits = [(event["thread"], event.get("domain"), event["policy_event"])
              for event in result.events("policy_audit")]
    assert audits == [("main", "control", "syscall levante_handle_duplicate"),
                      ("main", "network", "syscall k_sem_give")]
    creates = {event["thread"]: event.get("domain")
               for event in result.events("thread_create")}
    assert creates["signaler"] == creates["main"] == "control"
    assert creates["net"] == "network"
    assert lines[-1] == "DONE"


def _copy(tmp_path: Path) -> Path:
    app = tmp_path / "security_domains"
    shutil.copytree(APP, app)
    return app


def test_without_the_manifest_names_decide_and_a_rename_changes_the_domain(
        tmp_path: Path) -> None:
    app = _copy(tmp_path)
    (app / "domains.toml").unlink()
    # Without kernel domains, the policy's domains are thread names again: signaler
    # needs naming, and net's rename to "main" moves it into control.
    policy = (app / "policy.lvp").read_text().replace(
        'domain control = { "main" }', 'domain control = { "main", "signaler" }')
    (app / "policy.lvp").write_text(policy)
    build_dir = tmp_path / "build"
    built = levante("build", str(app), "-d", str(build_dir))
    assert built.returncode == 0, built.stderr
    assert not (build_dir / "domains.json").exists()
    run = levante("run", str(build_dir), "--max-time", "2s")
    lines = run.stdout.splitlines()
    # C-defined domains still exist; the image's threads begin in the default one.
    assert "main domain default" in lines
    assert "net (now named main) domain default" in lines
    assert "net bell count 1" in lines  # judged as "main": granted


@pytest.mark.parametrize("manifest, message", [
    ("[domains.control\n", "not TOML"),
    ("[domain.control]\nthreads = []\n", "unknown key 'domain'"),
    ('[domains."bad name"]\nthreads = []\n', "domains.bad name: a domain's name is a C "
     "identifier of at most 31 characters"),
    ('[domains.a]\nthreads = ["main"]\n[domains.b]\nthreads = ["main"]\n',
     "domains.b.threads: thread 'main' is already in domain 'a'"),
    ('[domains.a]\nthreads = "main"\n', "domains.a.threads: a list of thread names"),
    ('[domains.a]\nthread = ["main"]\n',
     "domains.a: unknown key 'thread' (known: partitions, threads)"),
    ('[domains.a]\npartitions = ["x-y"]\n', "domains.a.partitions: a list of distinct partition "
     "names"),
])
def test_a_bad_manifest_fails_the_build_in_one_line(tmp_path: Path, manifest: str,
                                                      message: str) -> None:
    app = _copy(tmp_path)
    (app / "domains.toml").write_text(manifest)
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(
        f"levante: error: {app / 'domains.toml'}: ")
    assert message in errors[0]


def test_a_manifest_naming_a_thread_the_image_lacks_stops_the_boot(tmp_path: Path) -> None:
    app = _copy(tmp_path)
    (app / "domains.toml").write_text('[domains.control]\nthreads = ["main", "ghost"]\n')
    build_dir = tmp_path / "build"
    assert levante("build", str(app), "-d", str(build_dir)).returncode == 0
    run = levante("run", str(build_dir), "--max-time", "1s")
    assert "E: boot: domains.toml: domain 'control' names thread 'ghost', which the image " \
           "does not define (K_THREAD_DEFINE or main)" in run.stdout
    assert "main domain" not in run.stdout


def test_a_manifest_naming_a_partition_the_image_lacks_stops_the_boot(tmp_path: Path) -> None:
    app = _copy(tmp_path)
    (app / "domains.toml").write_text('[domains.network]\nthreads = ["net"]\n'
                                      'partitions = ["ghost_part"]\n')
    build_dir = tmp_path / "build"
    assert levante("build", str(app), "-d", str(build_dir)).returncode == 0
    run = levante("run", str(build_dir), "--max-time", "1s")
    assert "E: boot: domains.toml: domain 'network' names partition 'ghost_part', which the " \
           "image does not define (K_APPMEM_PARTITION_DEFINE)" in run.stdout


def test_compiled_domains_of_another_version_are_refused_in_one_line(tmp_path: Path) -> None:
    from levante.errors import LevanteError
    from levante.sdk.domain_build import COMPILED_DOMAINS, load_compiled_domains

    (tmp_path / COMPILED_DOMAINS).write_text('{"version": 9, "domains": {}}')
    with pytest.raises(LevanteError) as raised:
        load_compiled_domains(tmp_path)
    assert raised.value.message == (f"{tmp_path / COMPILED_DOMAINS}: compiled domains of "
                                    "another version: rebuild")
    (tmp_path / COMPILED_DOMAINS).write_text("{")
    with pytest.raises(LevanteError) as raised:
        load_compiled_domains(tmp_path)
    assert "unreadable compiled domains" in raised.value.message
