"""The build step of an application's security policy: policy.lvp → policy.json."""

from __future__ import annotations

from pathlib import Path

from levante.errors import BuildError, LevanteError
from levante.policy.language import FORMAT_VERSION, Compiled, compile_policy
from levante.sdk.build_artifacts import read_compiled, read_source, write_compiled

POLICY_SOURCE = "policy.lvp"  # next to prj.conf
COMPILED_POLICY = "policy.json"  # in the build folder, installed by `levante run`


def build_policy(app_dir: Path, build_dir: Path) -> Path | None:
    """Compile the application's policy into the build folder (None when it has none;
    an earlier build's compiled policy is removed then)."""
    source = app_dir / POLICY_SOURCE
    target = build_dir / COMPILED_POLICY
    if not source.is_file():
        target.unlink(missing_ok=True)
        return None
    text = read_source(source, "policy")
    try:
        compiled = compile_policy(text, str(source))
    except LevanteError as error:
        raise BuildError(error.message) from None
    return write_compiled(target, compiled)


def load_compiled_policy(build_dir: Path) -> Compiled | None:
    """The build's compiled policy, None when it was built without one."""
    return read_compiled(build_dir / COMPILED_POLICY, "policy", FORMAT_VERSION)
