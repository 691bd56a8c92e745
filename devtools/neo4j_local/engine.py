"""The Neo4j engine for :mod:`neo4j_local`: fetched once from Maven Central, launcher compiled.

:func:`ensure_engine` fetches the Neo4j Community engine (``org.neo4j:neo4j`` and
``org.neo4j:neo4j-bolt``, as listed in ``pom.xml``) with ``mvn`` into a cache directory and
compiles ``Launcher.java`` beside it; the process control that runs it is
:mod:`neo4j_local`.  This module uses only the standard library.

Each version of ``Launcher.java`` is compiled into a folder of its own,
``launchers/<hash of the source>/launcher.jar``: checkouts with different launchers (branches,
worktrees sharing one cache) each find theirs, instead of compiling the shared one over the
others' in turn.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

NEO4J_VERSION = "5.26.12"
"""Version of the Neo4j Community engine; must match ``neo4j.version`` in ``pom.xml``."""

_HERE = Path(__file__).resolve().parent
_REPO_ROOT = _HERE.parent.parent
_POM = _HERE / "pom.xml"
_LAUNCHER_SRC = _HERE / "Launcher.java"
_STAMP_NAME = "ENGINE_STAMP"

_LOG_TAIL_LINES = 40


def default_cache_dir() -> Path:
    """Return the default cache directory for the engine.

    Returns
    -------
    Path
        ``$CIVICMESH_CACHE`` when set and non-empty, otherwise ``<repo>/.cache``.
    """
    env = os.environ.get("CIVICMESH_CACHE", "").strip()
    return Path(env).expanduser() if env else _REPO_ROOT / ".cache"


def _progress(message: str) -> None:
    print(f"[neo4j_local] {message}", file=sys.stderr, flush=True)


def _find_tool(name: str) -> str:
    """Locate a JDK or Maven executable, preferring ``$JAVA_HOME/bin`` for JDK tools."""
    java_home = os.environ.get("JAVA_HOME", "").strip()
    if java_home and name in ("java", "javac"):
        candidate = Path(java_home) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        hint = {
            "java": "a Java 17+ runtime (e.g. Debian package openjdk-17-jre-headless)",
            "javac": "a Java 17+ JDK (e.g. Debian package openjdk-17-jdk-headless)",
            "mvn": "Apache Maven 3.6+ (e.g. Debian package maven)",
        }[name]
        raise RuntimeError(
            f"neo4j_local: '{name}' was not found on PATH; install {hint} to run the local Neo4j server."
        )
    return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wanted_stamp() -> dict[str, str]:
    """What the engine's jars were fetched for (the launcher has a folder per source instead)."""
    return {
        "version": NEO4J_VERSION,
        "pom": _sha256(_POM),
    }


def _launcher_dir(engine: Path) -> Path:
    """The folder of this checkout's ``Launcher.java``, compiled (``launcher.jar``)."""
    return engine / "launchers" / _sha256(_LAUNCHER_SRC)[:16]


def _read_stamp(engine: Path) -> dict[str, str]:
    stamp: dict[str, str] = {}
    try:
        text = (engine / _STAMP_NAME).read_text(encoding="utf-8")
    except OSError:
        return stamp
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            stamp[key.strip()] = value.strip()
    return stamp


def _write_stamp(engine: Path, stamp: dict[str, str]) -> None:
    tmp = engine / (_STAMP_NAME + ".tmp")
    tmp.write_text("".join(f"{k}={v}\n" for k, v in sorted(stamp.items())), encoding="utf-8")
    os.replace(tmp, engine / _STAMP_NAME)


def _jars_complete(engine: Path, wanted: dict[str, str]) -> bool:
    stamp = _read_stamp(engine)  # an older stamp also names the launcher it compiled: not compared
    return (engine / "lib").is_dir() and all(stamp.get(key) == value for key, value in wanted.items())


def _engine_complete(engine: Path, wanted: dict[str, str]) -> bool:
    return _jars_complete(engine, wanted) and (_launcher_dir(engine) / "launcher.jar").is_file()


def _classpath(engine: Path) -> str:
    # A jar rather than a classes/ directory: class-data sharing rejects non-empty
    # directories on the class path.
    return os.pathsep.join([str(engine / "lib" / "*"), str(_launcher_dir(engine) / "launcher.jar")])


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)  # Maven's colour codes, even with -B
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _run_tool(argv: list[str], what: str, timeout: float) -> None:
    """Run a build tool, raising RuntimeError with the tail of its output on failure."""
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        raise RuntimeError(f"neo4j_local: {what} timed out after {timeout:.0f} s; last output:\n{_tail(out)}") from exc
    if done.returncode != 0:
        raise RuntimeError(
            f"neo4j_local: {what} failed (exit {done.returncode}): {' '.join(argv)}\nlast output:\n{_tail(done.stdout)}"
        )


def _build_launcher(javac: str, lib_root: Path, out_dir: Path) -> None:
    """Compile Launcher.java into ``out_dir/classes`` and pack ``out_dir/launcher.jar``."""
    classes = out_dir / "classes"
    classes.mkdir(parents=True, exist_ok=True)
    _run_tool(
        [
            javac,
            "--release",
            "17",
            "-nowarn",
            "-encoding",
            "UTF-8",
            "-cp",
            str(lib_root / "lib" / "*"),
            "-d",
            str(classes),
            str(_LAUNCHER_SRC),
        ],
        "compiling Launcher.java",
        timeout=300,
    )
    with zipfile.ZipFile(out_dir / "launcher.jar", "w", zipfile.ZIP_DEFLATED) as jar:
        for path in sorted(classes.rglob("*.class")):
            jar.write(path, path.relative_to(classes).as_posix())


class _FileLock:
    """An exclusive ``flock`` on a file, so parallel processes build the engine only once."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[bytes] | None = None

    def __enter__(self) -> _FileLock:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self._path, "ab")
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def ensure_engine(cache_dir: Path) -> Path:
    """Make sure the Neo4j engine jars and the compiled launcher are in the cache.

    On the first call this downloads Neo4j Community from Maven Central with
    ``mvn dependency:copy-dependencies`` (about 214 jars, 116 MB) and compiles
    ``Launcher.java``. Later calls return at once. The build happens in a temporary
    directory that is renamed into place only when complete, under a file lock, so a
    half-finished earlier attempt or a parallel process does no harm. A ``Launcher.java``
    not compiled yet is compiled into a folder of its own (the others are kept).

    Parameters
    ----------
    cache_dir : Path
        Directory holding cached engines; ``neo4j-<version>/`` is created inside it.

    Returns
    -------
    Path
        The engine directory, containing ``lib/`` (jars) and
        ``launchers/<hash>/launcher.jar``.

    Raises
    ------
    RuntimeError
        If ``java``, ``javac`` or ``mvn`` is missing, or Maven or javac fails (the message
        includes the tail of the tool's output).
    """
    cache_dir = Path(cache_dir).expanduser().resolve()
    engine = cache_dir / f"neo4j-{NEO4J_VERSION}"
    wanted = _wanted_stamp()
    if _engine_complete(engine, wanted):
        return engine

    _find_tool("java")
    javac = _find_tool("javac")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _FileLock(cache_dir / f".neo4j-{NEO4J_VERSION}.lock"):
        if _engine_complete(engine, wanted):  # another process finished meanwhile
            return engine
        _remove_leftovers(cache_dir.glob(f".neo4j-{NEO4J_VERSION}-*"))  # killed attempts
        _remove_leftovers(engine.glob(".launcher-*"))
        _remove_leftovers((engine / "launchers").glob(".build-*"))
        started = time.monotonic()
        if _jars_complete(engine, wanted):
            # Jars are fine; this launcher source has not been compiled yet.
            _progress("compiling Launcher.java")
            target = _launcher_dir(engine)
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
            try:
                _build_launcher(javac, engine, staging)
                staging.chmod(0o755)  # mkdtemp made it 0700
                shutil.rmtree(target, ignore_errors=True)  # a half-finished earlier attempt
                os.rename(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            return engine

        mvn = _find_tool("mvn")
        _progress(f"fetching Neo4j {NEO4J_VERSION} Community from Maven Central (~116 MB, once)…")
        staging = Path(tempfile.mkdtemp(prefix=f".neo4j-{NEO4J_VERSION}-", dir=cache_dir))
        try:
            _run_tool(
                [
                    mvn,
                    "-q",
                    "-B",
                    "-Dstyle.color=never",
                    f"-Dneo4j.version={NEO4J_VERSION}",
                    "-f",
                    str(_POM),
                    "dependency:copy-dependencies",
                    f"-DoutputDirectory={staging / 'lib'}",
                ],
                "Maven (mvn dependency:copy-dependencies)",
                timeout=1800,
            )
            if not any((staging / "lib").glob("neo4j-bolt-*.jar")):
                raise RuntimeError(f"neo4j_local: Maven finished but no neo4j-bolt jar is in {staging / 'lib'}")
            _progress("compiling Launcher.java")
            launcher = staging / _launcher_dir(engine).relative_to(engine)
            _build_launcher(javac, staging, launcher)
            launcher.parent.chmod(0o755)
            _write_stamp(staging, wanted)
            staging.chmod(0o755)  # mkdtemp made it 0700
            if engine.exists():  # stale or half-finished engine from an earlier attempt
                shutil.rmtree(engine)
            os.rename(staging, engine)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _progress(f"Neo4j engine ready in {engine} ({time.monotonic() - started:.0f} s)")
    return engine


def _remove_leftovers(paths: Iterable[Path], min_age_seconds: float = 0.0) -> None:
    now = time.time()
    for path in paths:
        try:
            if now - path.lstat().st_mtime < min_age_seconds:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass
