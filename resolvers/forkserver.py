"""A long-lived process per data version that prepares once and forks one child per analysis.

:mod:`resolvers.offload` forks the service for each analysis: the child inherits the
projection, but whatever the analyses share (the analytics session's area index and linkage)
must then be built *in the service* beforehand, on a worker thread that holds the interpreter
lock against the event loop for seconds, and each fork pauses the whole service while the
kernel copies its page tables.  A :class:`ForkServer` moves both out:

* it is forked from the service once (per data version, by
  :mod:`resolvers.analytics.snapshot`), runs ``prepare()`` (building the session's indexes, on
  the other core, with the cyclic collector off so that it copies none of its parent's pages
  it does not write), then waits for work;
* :meth:`ForkServer.submit` sends it one analysis, pickled, and a pipe for the answer; it
  forks a child of its own that computes the analysis on what it prepared and writes the
  figures to the pipe (its pid first, so that the service can kill it).  The service pauses
  for none of these forks.

What is sent is small: the analysis function (by name), its plain arguments, and references
to the prepared objects (:class:`Ref`) — never the projection or an index.  The server closes
the sockets it inherited (the service's listening socket and client connections: a
connection must close when the service closes it) and leaves when the service closes its end
(or exits).  Its children are collected by the kernel (``SIGCHLD`` ignored there).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import signal
import socket
import stat
import struct
import threading
import weakref
from collections.abc import Callable
from typing import Any

from resolvers import offload

_PID = struct.Struct("!q")
MAX_PAYLOAD = 1 << 16
"""The largest work sent to a server, in bytes (one socket message; an analysis's is a few hundred)."""
_READ = b"\0read:"
"""A message asking the server to read an attribute of what it prepared (no child)."""
_SERVED: dict[str, Any] = {}
"""In the server process: the prepared objects by name (what a :class:`Ref` names)."""
_LIVE: set[int] = set()
"""Servers not yet collected (their pids)."""
_AWAITED: set[int] = set()
"""Answers not yet in (their pipes)."""


def alive() -> int:
    """Fork servers not yet collected, in this process."""
    return len(_LIVE)


def awaited() -> int:
    """Answers of fork servers' children still awaited (or being read)."""
    return len(_AWAITED)


class Ref:
    """Pickled as a name, read back in the server's child as the object prepared under it
    (``root`` or ``root.attribute``: an attribute of a prepared object, read there)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Deferred(Ref):
    """``owner.attribute`` (or ``owner.attribute(*args)``, for a method taking strings), read
    only where the work runs: in a server's child as ``root.attribute`` (built there, or by the
    server once: :meth:`ForkServer.submit`), elsewhere by :meth:`resolve`."""

    __slots__ = ("args", "attribute", "owner")

    def __init__(self, owner: Any, root: str, attribute: str, args: tuple[str, ...] = ()) -> None:
        super().__init__(f"{root}.{attribute}" + (f":{','.join(args)}" if args else ""))
        self.owner = owner
        self.attribute = attribute
        self.args = args

    def resolve(self) -> Any:
        """The attribute itself (the method's answer), read in this process."""
        value = getattr(self.owner, self.attribute)
        return value(*self.args) if self.args else value

    def __getattr__(self, name: str) -> Any:
        """Used as the attribute itself in this process (it is read here: avoid on the event loop)."""
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)


def resolved(value: Any) -> Any:
    """``value``, or what it stands for when it is a :class:`Deferred`."""
    return value.resolve() if isinstance(value, Deferred) else value


def _lookup(name: str) -> Any:
    value = _SERVED.get(name)
    if value is None:
        root, _, attribute = name.partition(".")
        attribute, called, args = attribute.partition(":")
        value = getattr(_SERVED[root], attribute)
        if called:
            value = value(*args.split(","))
        value = _SERVED[name] = value
    return value


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, named: dict[int, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._named = named
        self.refs: set[str] = set()

    def persistent_id(self, obj: Any) -> str | None:
        name = obj.name if isinstance(obj, Ref) else self._named.get(id(obj))
        if name is not None:
            self.refs.add(name)
        return name


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        return _lookup(pid)


def dumps(work: Any, named: dict[str, Any]) -> tuple[bytes, frozenset[str]]:
    """``work`` pickled with the objects of ``named`` (and every :class:`Ref`) sent by name;
    and the names sent."""
    out = io.BytesIO()
    pickler = _Pickler(out, {id(value): name for name, value in named.items()})
    pickler.dump(work)
    return out.getvalue(), frozenset(pickler.refs)


class ForkServer:
    """A process forked from this one: ``prepare()`` gives the objects :class:`Ref` names, and
    :meth:`submit` computes work there in a child of its own (see the module docstring)."""

    def __init__(self, prepare: Callable[[], dict[str, Any]]) -> None:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # the server: never returns
            mine.close()
            _serve(theirs, prepare)
        theirs.close()
        self.pid = pid
        self._socket = mine
        self.closed = False
        """Closed (:meth:`close`): it takes no more work."""
        self._read: set[str] = set()
        _LIVE.add(pid)

    def submit(self, payload: bytes, refs: frozenset[str] = frozenset()) -> Answer:
        """Compute the pickled work ``payload`` (:func:`dumps`) in a new child of the server.
        The attributes it refers to (``refs``) that the server has not read yet it reads first,
        itself, so that its later children inherit them instead of each reading them again."""
        if self.closed:
            raise offload.ChildFailed("the fork server is closed")
        for name in sorted(refs - self._read):
            if "." in name:
                with contextlib.suppress(OSError):
                    self._socket.send(_READ + name.encode())
            self._read.add(name)
        reader, writer = os.pipe()
        try:
            socket.send_fds(self._socket, [payload], [writer])
        except OSError as exc:
            os.close(reader)
            raise offload.ChildFailed(f"the fork server is gone ({exc})") from None
        finally:
            os.close(writer)
        return Answer(reader)

    def close(self) -> None:
        """The server leaves (its children still answer); it is collected on a thread."""
        if not self.closed:
            self.closed = True
            self._socket.close()
            threading.Thread(target=_wait, args=(self.pid,), name="civicmesh-reap", daemon=True).start()


class Answer:
    """One analysis computed by a child of a fork server: :meth:`result`, :meth:`kill`."""

    def __init__(self, reader: int) -> None:
        self._reader = reader
        self.pid: int | None = None
        self._kill = False
        self._done = False
        _AWAITED.add(reader)
        offload._LIVE.add(-reader - 1)  # an analysis child like the service's own (offload.alive)

    async def result(self) -> Any:
        """The child's return value, or its exception raised again here."""

        def take_pid(chunks: list[bytes]) -> None:  # the child writes its pid first
            if self.pid is None and sum(map(len, chunks)) >= _PID.size:
                whole = b"".join(chunks)
                self.pid = _PID.unpack_from(whole)[0]
                chunks[:] = [whole[_PID.size :]]
                if self._kill:
                    self.kill()

        try:
            payload = await offload.read_pipe(self._reader, take_pid)
        finally:
            _AWAITED.discard(self._reader)
            offload._LIVE.discard(-self._reader - 1)
            os.close(self._reader)
            self._done = True  # its pid may belong to another process from now on
        if self.pid is None:
            raise offload.ChildFailed("the analysis process ended without an answer")
        return offload.answer_of(payload)

    def kill(self) -> None:
        """End the child at once (at once its pid is known)."""
        self._kill = True
        if self.pid is not None and not self._done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


_SERVERS: weakref.WeakKeyDictionary[Any, ForkServer] = weakref.WeakKeyDictionary()


def serve(key: Any, prepare: Callable[[], dict[str, Any]]) -> ForkServer:
    """The fork server of ``key`` (e.g. a projection), started with ``prepare`` unless it runs;
    it is closed when ``key`` is no longer used."""
    server = _SERVERS.get(key)
    if server is None or server.closed:
        server = _SERVERS[key] = ForkServer(prepare)
        weakref.finalize(key, server.close)
    return server


def server_of(key: Any) -> ForkServer | None:
    """The fork server started for ``key`` (:func:`serve`), if any."""
    return _SERVERS.get(key)


def _wait(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    _LIVE.discard(pid)


def _serve(channel: socket.socket, prepare: Callable[[], dict[str, Any]]) -> None:
    code = 0
    try:
        gc.disable()  # collecting would write to (and so copy) every page of the parent's objects
        offload.lower_priority()  # the service's threads are scheduled first (its children inherit it)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel collects the children
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service's Ctrl-C is the service's
        close_inherited_sockets(keep=channel.fileno())
        with contextlib.suppress(Exception):  # a child reads what it needs itself if this failed
            _SERVED.update(prepare())
        while True:
            message, fds, _flags, _addr = socket.recv_fds(channel, MAX_PAYLOAD + 1024, 1)
            if message.startswith(_READ) and not fds:
                with contextlib.suppress(Exception):
                    _lookup(message[len(_READ) :].decode())
                continue
            if not message or not fds:
                break
            if os.fork() == 0:
                channel.close()
                _answer(message, fds[0])
            os.close(fds[0])
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _answer(message: bytes, writer: int) -> None:
    os.write(writer, _PID.pack(os.getpid()))

    def work() -> Any:
        return _Unpickler(io.BytesIO(message)).load()()

    offload.run_child(work, writer)


def close_inherited_sockets(keep: int) -> None:
    """In a process forked from the service: close every socket it inherited but ``keep`` (the
    service's listening socket and its clients' connections: a connection must close when the
    service closes it, not when the last forked copy does)."""
    for fd in _open_fds():
        if fd > 2 and fd != keep and _is_socket(fd):
            with contextlib.suppress(OSError):
                os.close(fd)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return []


def _is_socket(fd: int) -> bool:
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


def forget_inherited() -> list[Any]:
    """In a forked process: the parent's fork servers and awaited answers are not this
    process's (what was is returned, to be kept referenced, so that no server is closed here)."""
    kept: list[Any] = [list(_SERVERS.items()), set(_LIVE), set(_AWAITED)]
    _SERVERS.clear()
    _LIVE.clear()
    _AWAITED.clear()
    return kept


__all__ = [
    "MAX_PAYLOAD",
    "Answer",
    "Deferred",
    "ForkServer",
    "Ref",
    "alive",
    "awaited",
    "close_inherited_sockets",
    "dumps",
    "forget_inherited",
    "resolved",
    "serve",
    "server_of",
]
