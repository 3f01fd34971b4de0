"""The build step of an application's security policy: policy.lvp → policy.json."""

from __future__ import annotations

import json
from pathlib import Path

from levante.errors import BuildError, LevanteError
from levante.policy.language import FORMAT_VERSION, Compiled, compile_policy

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
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"{source}: cannot read the policy: {error}") from None
    try:
        compiled = compile_policy(text, str(source))
    except LevanteError as error:
        raise BuildError(error.message) from None
    target.write_text(json.dumps(compiled, indent=1) + "\n")
    return target


def load_compiled_policy(build_dir: Path) -> Compiled | None:
    """The build's compiled policy, None when it was built without one."""
    path = build_dir / COMPILED_POLICY
    if not path.is_file():
        return None
    try:
        compiled = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BuildError(f"{path}: unreadable compiled policy ({error}): rebuild") from None
    if not isinstance(compiled, dict) or compiled.get("version") != FORMAT_VERSION:
        raise BuildError(f"{path}: a compiled policy of another version: rebuild")
    return compiled
