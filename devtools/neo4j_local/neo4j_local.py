"""A real Neo4j 5.26 Community server for tests and development, without Docker.

The Neo4j Community engine (``org.neo4j:neo4j`` and ``org.neo4j:neo4j-bolt``) is fetched
once from Maven Central with ``mvn`` into a cache directory, next to a compiled copy of the
tiny ``Launcher.java`` beside this file. :func:`start` then runs the launcher in a JVM on a
free loopback port with Bolt enabled (no auth, no TLS) and waits until the default database
``neo4j`` is available.

Typical use (e.g. in a pytest session fixture)::

    from neo4j_local import start

    with start(cache_dir) as server:
        driver = neo4j.GraphDatabase.driver(server.uri)
        ...

From a shell (developers)::

    python devtools/neo4j_local/neo4j_local.py              # start, print URI, Ctrl-C stops
    python devtools/neo4j_local/neo4j_local.py --fetch-only # only fetch/build the engine
    python devtools/neo4j_local/neo4j_local.py --port 7687 --data-dir ~/neo4j-data  # kept

Outages (tests, the load bench): a server with a ``data_dir`` and a ``port`` can be stopped
(:meth:`LocalNeo4j.stop`, or :meth:`LocalNeo4j.kill` for a crash) and started again on the
same data and port with :meth:`LocalNeo4j.start`; :func:`free_port` picks a port to keep.

The default cache directory is ``$CIVICMESH_CACHE`` or ``<repo>/.cache``. Needs Java 17+
(``java``, ``javac``; ``$JAVA_HOME/bin`` is preferred when set) and Maven (``mvn``).
The server process cannot outlive its parent: it stops when its stdin reaches end-of-file,
which happens when the Python process that started it exits for any reason.

Memory: the page cache is ``$CIVICMESH_NEO4J_PAGECACHE`` (default 512m, as in
``docker-compose.yml``), the heap 256 MiB growing to 1 GiB (``-Xmx`` in
``$CIVICMESH_NEO4J_JVM_OPTS`` changes it; options given there win over ours).

Faster starts: the first server started from an engine records a JVM class-data-sharing
archive when it stops (``-XX:ArchiveClassesAtExit``, in ``<engine>/cds/``); later starts load
their classes from it (about a third less CPU until ready). Set ``CIVICMESH_NEO4J_CDS=0`` to
turn this off.

Fetching and building the engine is :mod:`engine` (beside this file); this module is the
process control.  Both use only the standard library.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO

if __package__:
    from .engine import (
        _LOG_TAIL_LINES,
        _STAMP_NAME,
        NEO4J_VERSION,
        _classpath,
        _find_tool,
        _progress,
        _remove_leftovers,
        _tail,
        default_cache_dir,
        ensure_engine,
    )
else:  # run as a script (python devtools/neo4j_local/neo4j_local.py), or imported from this directory
    from engine import (  # type: ignore[import-not-found,no-redef]
        _LOG_TAIL_LINES,
        _STAMP_NAME,
        NEO4J_VERSION,
        _classpath,
        _find_tool,
        _progress,
        _remove_leftovers,
        _tail,
        default_cache_dir,
        ensure_engine,
    )

__all__ = [
    "NEO4J_VERSION",
    "READY_MARKER",
    "LocalNeo4j",
    "default_cache_dir",
    "ensure_engine",
    "free_port",
    "start",
]

READY_MARKER = "CIVICMESH_NEO4J_READY"
"""First word of the single line the launcher prints on stdout once Bolt is serving."""

_JVM_OPTIONS: tuple[str, ...] = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    # As in Neo4j's own neo4j.conf; without them the page cache and the transaction log
    # fall back to slower code paths (and debug.log fills with warnings).
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
PAGECACHE_PROPERTY = "civicmesh.neo4j.pagecache"
"""The launcher's page cache size (a JVM system property; see ``Launcher.java``)."""
# JVM log messages go to stderr (a file), never to stdout; CDS chatter is dropped.
_JVM_LOG_OPTIONS: tuple[str, ...] = ("-Xlog:disable", "-Xlog:all=warning,cds*=off:stderr")

_STOP_GRACE_SECONDS = 20.0
_STOP_GRACE_RECORDING_SECONDS = 90.0  # writing the CDS archive at exit takes a few seconds


def _jvm_options() -> tuple[str, ...]:
    """The JVM options: ours, the page cache of ``$CIVICMESH_NEO4J_PAGECACHE`` (a size such as
    ``1g``; unset, the launcher's 512m), then any in ``$CIVICMESH_NEO4J_JVM_OPTS``
    (shell-quoted, e.g. ``-Xmx2g`` for the heap, or a GC log), which win."""
    extra = os.environ.get("CIVICMESH_NEO4J_JVM_OPTS", "").strip()
    pagecache = os.environ.get("CIVICMESH_NEO4J_PAGECACHE", "").strip()
    sized = (f"-D{PAGECACHE_PROPERTY}={pagecache}",) if pagecache else ()
    return (*_JVM_OPTIONS, *sized, *shlex.split(extra))


def _cds_enabled() -> bool:
    return os.environ.get("CIVICMESH_NEO4J_CDS", "1").strip().lower() not in ("0", "false", "no")


def _cds_archive(engine: Path, java: str) -> Path:
    """Path of the class-data-sharing archive for this engine, JVM and option set."""
    real = Path(os.path.realpath(java))
    parts = [str(real), _classpath(engine), *_jvm_options()]
    for path in (real, real.parent.parent / "lib" / "server" / "libjvm.so"):
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    with contextlib.suppress(OSError):
        parts.append((engine / _STAMP_NAME).read_text(encoding="utf-8"))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return engine / "cds" / f"launcher-{digest}.jsa"


def _disable_cds_archive(archive: Path, reason: str) -> None:
    """Remove a class-data-sharing archive and stop recording it for this JVM and engine."""
    with contextlib.suppress(OSError):
        archive.with_suffix(".failed").write_text(
            f"{reason}\nClass-data sharing stays off for this JVM and engine; delete this file to try again.\n",
            encoding="utf-8",
        )
        archive.unlink(missing_ok=True)
    _progress(f"class-data sharing turned off ({archive.with_suffix('.failed')})")


def free_port() -> int:
    """A loopback port free now, to give a server that is to keep it across restarts."""
    return _free_loopback_port()


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _read_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 256 * 1024))
            data = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return "(not found)"
    return _tail(data, lines) or "(empty)"


class LocalNeo4j:
    """One local Neo4j server process, usable as a context manager.

    Parameters
    ----------
    engine : Path
        Engine directory returned by :func:`ensure_engine`.
    data_dir : Path or None, optional
        Neo4j home directory (databases in ``data/``, logs in ``logs/``); kept on stop.
        When None, a fresh temporary directory is created on start and removed on stop.
    timeout : float, optional
        Seconds to wait for the server to become ready, by default 120.
    port : int or None, optional
        The Bolt port, kept across restarts; None means a free port chosen at each start.

    Attributes
    ----------
    uri : str
        ``bolt://127.0.0.1:<port>``; valid after :meth:`start`.
    port : int
        The Bolt port (0 before :meth:`start`).
    home : Path
        The Neo4j home directory (a temporary one exists only while running).
    """

    def __init__(
        self, engine: Path, data_dir: Path | None = None, timeout: float = 120.0, port: int | None = None
    ) -> None:
        self.engine = Path(engine)
        self.timeout = float(timeout)
        self._wanted_port = port
        self._owns_home = data_dir is None
        self._home: Path | None = None if data_dir is None else Path(data_dir).expanduser().resolve()
        self.port = 0
        self.uri = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr_file: IO[bytes] | None = None
        self._stdout_lines: collections.deque[str] = collections.deque(maxlen=200)
        self._ready = threading.Event()
        self._cds_archive: Path | None = None  # archive in use
        self._cds_target: Path | None = None  # archive being recorded
        self._cds_recording: Path | None = None  # temp archive written at exit

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> LocalNeo4j:
        """Start the server and wait until Bolt serves the default database.

        Returns
        -------
        LocalNeo4j
            ``self``, for chaining.

        Raises
        ------
        RuntimeError
            If the server exits, or is not ready within ``timeout`` seconds; the message
            includes the last lines of ``debug.log`` and of the JVM's stderr.
        """
        if self._proc is not None:
            raise RuntimeError("neo4j_local: server already started")
        try:
            if self._home is None:
                self._home = Path(tempfile.mkdtemp(prefix="civicmesh-neo4j-"))
            self._home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RuntimeError(f"neo4j_local: cannot create the Neo4j home: {exc}") from exc
        attempts = 3
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(self._home)
                return self
            except RuntimeError as exc:
                archive, crashed = self._cds_archive, self._crashed()
                self._kill()
                if archive is not None and crashed and attempt < attempts:
                    # A damaged class-data-sharing archive makes the JVM crash at once
                    # (SIGBUS); drop it for good and start without it.
                    _disable_cds_archive(archive, f"the JVM crashed using it:\n{exc}")
                    continue
                # Another process may grab the free port between our probe and the JVM's
                # bind (or, for a kept port, the last server's socket may linger); only that
                # case is worth another try.
                if attempt < attempts and "already in use" in str(exc).lower():
                    if self._wanted_port is not None:
                        time.sleep(1.0)
                    continue
                self._remove_home()
                raise
            except BaseException:  # e.g. KeyboardInterrupt: leave nothing running
                self._kill()
                self._remove_home()
                raise
        raise AssertionError("unreachable")

    def _crashed(self) -> bool:
        """Whether the JVM died from a signal (a crash; SIGTERM/SIGKILL come only from stop)."""
        return self._proc is not None and (self._proc.poll() or 0) < 0

    def _cds_options(self, java: str) -> list[str]:
        self._cds_archive = self._cds_recording = self._cds_target = None
        if not _cds_enabled():
            return []
        archive = _cds_archive(self.engine, java)
        # Recordings orphaned by a parent that died before renaming them.
        _remove_leftovers(archive.parent.glob("*.tmp"), min_age_seconds=3600)
        if archive.is_file():
            self._cds_archive = archive
            return [f"-XX:SharedArchiveFile={archive}"]
        if archive.with_suffix(".failed").exists():
            return []
        try:
            archive.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return []
        self._cds_target = archive
        self._cds_recording = archive.with_name(f"{archive.stem}.{os.getpid()}-{id(self)}.tmp")
        return [f"-XX:ArchiveClassesAtExit={self._cds_recording}"]

    def _start_once(self, home: Path) -> None:
        java = _find_tool("java")
        self.port = self._wanted_port or _free_loopback_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        logs = home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self._stderr_file = open(logs / "launcher-stderr.log", "ab")  # noqa: SIM115
        argv = [
            java,
            *_JVM_LOG_OPTIONS,  # first: an -Xlog of $CIVICMESH_NEO4J_JVM_OPTS (e.g. a GC log) comes after
            *_jvm_options(),
            *self._cds_options(java),
            "-cp",
            _classpath(self.engine),
            "Launcher",
            str(home),
            str(self.port),
        ]
        self._ready.clear()
        self._stdout_lines.clear()
        deadline = time.monotonic() + self.timeout
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            cwd=str(home),
            close_fds=True,
        )
        proc = self._proc
        assert proc.stdout is not None
        threading.Thread(
            target=self._pump_stdout,
            args=(proc.stdout,),
            name=f"neo4j-local-stdout-{self.port}",
            daemon=True,
        ).start()

        while not self._ready.wait(0.05):
            if proc.poll() is not None:
                raise RuntimeError(self._failure(f"Neo4j exited with code {proc.returncode}"))
            if time.monotonic() > deadline:
                raise RuntimeError(self._failure(f"Neo4j was not ready after {self.timeout:g} s"))
        # Belt and braces: Bolt must accept connections now.
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1.0).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        self._failure("Neo4j reported ready but its Bolt port refuses connections")
                    ) from None
                time.sleep(0.05)

    def _pump_stdout(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip()
            self._stdout_lines.append(line)
            if line.startswith(READY_MARKER + " "):
                self._ready.set()
        stream.close()

    def _failure(self, headline: str) -> str:
        if self._stderr_file is not None:
            self._stderr_file.flush()
        home = self._home if self._home is not None else Path(".")
        stdout = "\n".join(list(self._stdout_lines)) or "(empty)"
        return (
            f"neo4j_local: {headline} (home {home}, port {self.port}).\n"
            f"--- last lines of {home / 'logs' / 'debug.log'} ---\n"
            f"{_read_tail(home / 'logs' / 'debug.log')}\n"
            f"--- JVM stderr ---\n{_read_tail(home / 'logs' / 'launcher-stderr.log')}\n"
            f"--- JVM stdout ---\n{_tail(stdout)}"
        )

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdin is not None:
                proc.stdin.close()
        self._proc = None
        if self._stderr_file is not None:
            self._stderr_file.close()
            self._stderr_file = None
        if self._cds_recording is not None:
            self._cds_recording.unlink(missing_ok=True)
            self._cds_recording = None

    def _remove_home(self) -> None:
        if self._owns_home and self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def _keep_cds_recording(self, returncode: int) -> None:
        recording = self._cds_recording
        if recording is None:
            return
        archive = self._cds_target
        # 0: stdin closed; 143/130: SIGTERM/SIGINT. Anything else (a kill, a crash) may have
        # cut the archive short.
        clean_exit = returncode in (0, 128 + signal.SIGTERM, 128 + signal.SIGINT)
        try:
            if archive is None or not clean_exit:
                recording.unlink(missing_ok=True)
            elif recording.is_file() and recording.stat().st_size > 0:
                os.replace(recording, archive)
            else:
                _disable_cds_archive(archive, "the JVM exited cleanly but wrote no archive")
        except OSError:
            pass
        self._cds_recording = None

    def stop(self) -> None:
        """Stop the server (idempotent).

        Closes the server's stdin and sends SIGTERM, which make Neo4j shut down cleanly;
        kills it if it is still running after 20 s (90 s while a class-data-sharing archive
        is being written). A temporary home is then removed.
        """
        proc = self._proc
        if proc is not None:
            try:
                if proc.stdin is not None:
                    with contextlib.suppress(OSError):
                        proc.stdin.close()
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                grace = _STOP_GRACE_RECORDING_SECONDS if self._cds_recording is not None else _STOP_GRACE_SECONDS
                try:
                    proc.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                else:
                    self._keep_cds_recording(proc.returncode)
            finally:
                self._kill()
        self._remove_home()

    def kill(self) -> None:
        """Kill the server at once (SIGKILL, as a crash would); a kept home stays, a temporary
        one is removed.  :meth:`start` starts it again."""
        self._kill()
        self._remove_home()

    @property
    def home(self) -> Path:
        """The Neo4j home directory; ``home / "logs" / "debug.log"`` is Neo4j's main log.

        Raises
        ------
        RuntimeError
            For a temporary home, before :meth:`start` or after :meth:`stop`.
        """
        if self._home is None:
            raise RuntimeError("neo4j_local: the temporary home exists only while running")
        return self._home

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the JVM, or None when not started."""
        return None if self._proc is None else self._proc.pid

    @property
    def cds(self) -> str:
        """Class-data sharing state: ``"used"``, ``"recording"`` or ``"off"``."""
        if self._cds_archive is not None:
            return "used"
        return "recording" if self._cds_recording is not None else "off"

    def wait(self) -> int:
        """Block until the server process exits by itself; return its exit code."""
        if self._proc is None:
            raise RuntimeError("neo4j_local: server not started")
        return self._proc.wait()

    def __enter__(self) -> LocalNeo4j:
        if self._proc is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalNeo4j(uri={self.uri!r}, home={str(self._home)!r}, running={self.running}, cds={self.cds!r})"


def start(
    cache_dir: Path | None = None, data_dir: Path | None = None, timeout: float = 120.0, port: int | None = None
) -> LocalNeo4j:
    """Fetch the engine if needed, start a server and wait until it is ready.

    Parameters
    ----------
    cache_dir : Path or None, optional
        Engine cache; None means :func:`default_cache_dir`.
    data_dir : Path or None, optional
        Neo4j home to use and keep; None means a fresh temporary one, removed on stop.
    timeout : float, optional
        Seconds to wait for readiness (not counting the one-time download), by default 120.
    port : int or None, optional
        The Bolt port to use (and keep across restarts); None means a free one.

    Returns
    -------
    LocalNeo4j
        A running server; call :meth:`LocalNeo4j.stop` or use it in a ``with`` block.

    Raises
    ------
    RuntimeError
        If the engine cannot be prepared or the server does not become ready.
    """
    engine = ensure_engine(default_cache_dir() if cache_dir is None else cache_dir)
    return LocalNeo4j(engine, data_dir=data_dir, timeout=timeout, port=port).start()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring.

    Parameters
    ----------
    argv : list of str or None, optional
        Arguments without the program name; None means ``sys.argv[1:]``.

    Returns
    -------
    int
        Process exit code.
    """
    parser = argparse.ArgumentParser(description=f"Run a local Neo4j {NEO4J_VERSION} Community server (Bolt, no auth).")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="engine cache dir (default: $CIVICMESH_CACHE or <repo>/.cache)",
    )
    parser.add_argument("--fetch-only", action="store_true", help="only fetch/build the engine")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the database here (default: temporary)")
    parser.add_argument("--port", type=int, default=None, help="Bolt port (default: a free one)")
    parser.add_argument("--timeout", type=float, default=120.0, help="start timeout in seconds")
    args = parser.parse_args(argv)

    cache = default_cache_dir() if args.cache is None else args.cache
    try:
        engine = ensure_engine(cache)
        if args.fetch_only:
            print(engine)
            return 0
        started = time.monotonic()
        server = LocalNeo4j(engine, data_dir=args.data_dir, timeout=args.timeout, port=args.port).start()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1

    stop_requested = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop_requested.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _on_signal)
    try:
        _progress(
            f"started in {time.monotonic() - started:.1f} s (class-data sharing: {server.cds}); home {server.home}"
        )
        print(server.uri, flush=True)
        _progress("Ctrl-C stops the server")
        while not stop_requested.wait(0.5):
            if not server.running:
                _progress(f"server exited unexpectedly; see {server.home / 'logs'}")
                return 1
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
