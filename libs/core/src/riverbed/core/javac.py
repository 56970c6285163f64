"""Compile Riverbed's small Java helpers once per content, with a JDK's `javac` when present."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

__all__ = ["SHARED_SOURCES", "compile_once", "find_javac"]

log = logging.getLogger(__name__)

# Java shared by the embedded engine's helpers and the Kafka Connect plugin (package
# `riverbed.debezium`): compile it together with either one's own sources.
SHARED_SOURCES = Path(__file__).with_name("java")


def find_javac() -> str | None:
    """Return a JDK's `javac` ($JAVA_HOME or PATH), or None on a bare JRE."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "javac").exists():
        return str(Path(home) / "bin" / "javac")
    return shutil.which("javac")


def compile_once(
    sources: Path | Sequence[Path],
    classpath: str,
    cache: Path,
    *,
    fallback: str,
    resources: Path | None = None,
) -> Path | None:
    """Return the class folder of `**/*.java` in the `sources` root(s) (plus `resources`).

    It is compiled once: the folder is `cache/<hash of the files>`, so an edit compiles again
    and concurrent processes never see half a build. Without javac, or when it fails (e.g.
    older than 17), log a warning ending in `fallback` (what is used instead) and return None.
    """
    roots = [sources] if isinstance(sources, Path) else list(sources)
    # source file -> what the hash names it by (its root's position and its path in the root)
    files = {
        p: f"{i}:{p.relative_to(root)}"
        for i, root in enumerate(roots)
        for p in sorted(root.rglob("*.java"))
    }
    what = ", ".join(map(str, roots))
    # resource file -> its path in the class folder
    extra = (
        {p: p.relative_to(resources) for p in sorted(resources.rglob("*")) if p.is_file()}
        if resources
        else {}
    )
    sha = hashlib.sha256()
    for path, name in files.items():
        sha.update(name.encode() + b"\0" + path.read_bytes())
    for path, rel in extra.items():
        sha.update(b"r:" + str(rel).encode() + b"\0" + path.read_bytes())
    digest = sha.hexdigest()[:16]
    out = cache / digest
    if (out / ".built").exists():
        return out
    javac = find_javac()
    if javac is None:
        log.warning("no javac (JDK) to compile %s: %s", what, fallback)
        return None
    tmp = out.with_name(f"{digest}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [javac, "--release", "17", "-d", str(tmp), "-cp", classpath, *map(str, files)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        done = subprocess.CompletedProcess(cmd, 1, "", str(exc))
    if done.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        log.warning("compiling %s failed, %s: %s", what, fallback, done.stderr.strip())
        return None
    for path, rel in extra.items():
        dest = tmp / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    (tmp / ".built").write_text(classpath)
    try:
        tmp.rename(out)
    except OSError:  # another process compiled it first
        shutil.rmtree(tmp, ignore_errors=True)
    return out
