"""The store's writer in a process of its own, so SQLite work runs beside the event loop, not after it.

With the writer on a thread, the thread gives up the GIL inside every SQLite call and then
waits to get it back while the event loop runs Python: each statement can wait up to the
interpreter's switch interval (5 ms), so the writer only makes progress while the loop is
idle and the two effectively take turns on one core. Measured here, an insert that takes
3 µs alone took over 1 ms with a busy loop beside it. A child process has its own
interpreter: the loop and SQLite use both cores.

``ProcessWriter`` keeps ``GroupWriter``'s contract: each caller's future resolves after the
commit that made its operation durable, with its own outcome; each operation runs in its own
savepoint (or none, for ``@single_statement`` ones); a lost transaction fails every
operation in it with ``WriteAbortedError``. What moves is where groups form: the loop sends
the operations submitted in each turn of the event loop (or as soon as FLUSH_EVERY wait)
without waiting for earlier ones, and the child takes everything that has arrived while it
was committing into its next transaction. So the child never waits for the loop to hand it
work, and the loop never waits for the child to take it. Operations cross the pipe pickled: they must be module-level
functions (every repository operation is) with picklable arguments; one that is not fails
alone, with an error saying so.

The child serves requests in order and exits when its parent closes the pipe. When the
parent is killed, the child is killed with it (PR_SET_PDEATHSIG on Linux; elsewhere it stops
before the next request): a transaction it was applying is rolled back, exactly as with a
writer thread dying with its process, and nothing the parent sent is committed after a new
gateway may have started recovering. It ignores SIGINT and SIGTERM, which a terminal or a
service manager sends to the whole process group: the parent decides when the store closes,
after its last writes.
"""

from __future__ import annotations

import asyncio
import collections
import ctypes
import gc
import os
import pickle
import select
import signal
import sqlite3
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from core.store.errors import StoreClosedError, StoreError, WriteAbortedError
from core.store.writer import Operation, apply_group

_HEADER = struct.Struct("!I")
_ROOT = Path(__file__).resolve().parents[2]  # the directory that holds the core package
_GROUP, _REQUEST = b"G", b"P"
_PR_SET_PDEATHSIG = 1
FLUSH_EVERY = 32
"""Operations sent at once as soon as this many wait, not only at the end of a loop turn."""
_Pending = tuple[Operation, tuple[Any, ...], "asyncio.Future[Any]"]


class StoreProcessError(StoreError):
    """The store process could not be started (or ended while starting); see its error output."""


class ProcessWriter:
    """Commits operations in groups in a child process (see the module docstring)."""

    def __init__(self, path: str, synchronous: str, *, max_batch: int = 1000) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._path = path
        self._synchronous = synchronous
        self._max_batch = max_batch
        self._proc: asyncio.subprocess.Process | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[_Pending] = []
        self._flush_handle: asyncio.Handle | None = None
        # What was sent and awaits its answer, in order: a group's futures, or one request's.
        self._sent: collections.deque[list[_Pending] | asyncio.Future[Any]] = collections.deque()
        self._reader: asyncio.Task[None] | None = None
        self._broken: str | None = None
        self._closing = False
        self.commits = 0
        self.operations = 0
        self.failed_operations = 0
        self.largest_group = 0

    async def start(self) -> None:
        """Start the child process and open the write connection there."""
        self._loop = asyncio.get_running_loop()
        # The child imports what it unpickles (operations by module and name) as this process would.
        paths = [str(_ROOT), *(p for p in sys.path if p and os.path.isdir(p))]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in (*paths, env.get("PYTHONPATH", "")) if p))
        try:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", f"from core.store.process import main; main({os.getpid()})",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
            )
        except OSError as exc:
            raise StoreProcessError(f"the store process could not be started ({exc})") from exc
        self._reader = self._loop.create_task(self._read_answers(), name="roost-store-process")
        try:
            await self._request(("connect", self._path, self._synchronous, self._max_batch))
        except BaseException as exc:
            await self._stop_child()
            if self._broken is not None:  # it died: it could not start (its error is on stderr)
                raise StoreProcessError(self._broken) from exc
            raise

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(conn, *args) alone in the child, outside any group (setup, migrations)."""
        self._flush()  # keep the order of what was submitted before
        return await self._request(("call", fn, args))

    def submit(self, fn: Operation, *args: Any) -> asyncio.Future[Any]:
        """Queue fn(conn, *args) to be sent soon (this loop turn); the future resolves once it is durable."""
        if self._closing or self._loop is None:
            raise StoreClosedError("the store is closed; this write was not accepted")
        if self._broken is not None:
            raise StoreClosedError(self._broken)
        fut: asyncio.Future[Any] = self._loop.create_future()
        pending = self._pending
        pending.append((fn, args, fut))
        if len(pending) >= FLUSH_EVERY:  # a busy loop turn: let the child start on these now
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self._flush()
        elif self._flush_handle is None:
            self._flush_handle = self._loop.call_soon(self._flush)
        return fut

    @property
    def pid(self) -> int | None:
        """The child process's id while it runs."""
        return None if self._proc is None else self._proc.pid

    @property
    def backlog(self) -> int:
        """Operations sent or waiting to be sent whose commit has not been confirmed."""
        sent = sum(len(item) for item in self._sent if isinstance(item, list))
        return len(self._pending) + sent

    def _flush(self) -> None:
        """Send what was submitted since the last send (cancelled callers are dropped, never written)."""
        self._flush_handle = None
        pending = [item for item in self._pending if not item[2].cancelled()]
        self._pending = []
        for start in range(0, len(pending), self._max_batch):  # no message beyond max_batch
            group = pending[start:start + self._max_batch]
            if self._broken is not None:
                self._fail(group, self._broken)
            else:
                self._send(_GROUP + _pickled_ops(group), group)

    def _send(self, data: bytes, waiter: list[_Pending] | asyncio.Future[Any]) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdin.is_closing():
            message = self._broken or "the store process is not running"
            if isinstance(waiter, list):
                self._fail(waiter, message)
            elif not waiter.done():
                waiter.set_exception(StoreClosedError(message))
            return
        self._sent.append(waiter)
        proc.stdin.write(_HEADER.pack(len(data)) + data)

    def _request(self, request: tuple[Any, ...]) -> asyncio.Future[Any]:
        assert self._loop is not None
        fut: asyncio.Future[Any] = self._loop.create_future()
        self._send(_REQUEST + pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL), fut)
        return fut

    async def _read_answers(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout
        try:
            while True:
                header = await stdout.readexactly(_HEADER.size)
                ok, value = pickle.loads(await stdout.readexactly(_HEADER.unpack(header)[0]))
                waiter = self._sent.popleft()
                if isinstance(waiter, list):
                    if ok:
                        self._resolve(waiter, value)
                    else:
                        self._fail(waiter, str(value))
                elif not waiter.done():
                    if ok:
                        waiter.set_result(value)
                    else:
                        waiter.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
            try:  # its exit status says more than the closed pipe
                code: int | None = await asyncio.wait_for(asyncio.shield(self._proc.wait()), 1.0)
            except TimeoutError:
                code = None
            self._broken = (
                "the store process ended"
                + (f" (exit code {code})" if code is not None else "")
                + f" ({type(exc).__name__}); restart Roost to open the store again"
            )
        except Exception as exc:  # an answer that cannot be read: the channel is out of step
            self._broken = f"the store process sent an unreadable answer ({exc!r}); restart Roost"
        while self._sent:
            waiter = self._sent.popleft()
            if isinstance(waiter, list):
                self._fail(waiter, self._broken or "the store process stopped")
            elif not waiter.done():
                waiter.set_exception(WriteAbortedError(self._broken or "the store process stopped"))

    def _resolve(self, group: list[_Pending], answer: tuple[list[tuple[bool, Any]], bool, int]) -> None:
        outcomes, committed, transaction_size = answer
        if transaction_size:  # the first message of a transaction carries its size
            if committed:
                self.commits += 1
                self.operations += transaction_size
                self.largest_group = max(self.largest_group, transaction_size)
            else:
                self.failed_operations += transaction_size
        if committed:
            self.failed_operations += sum(1 for ok, _ in outcomes if not ok)
        for (_, _, fut), (ok, value) in zip(group, outcomes, strict=True):
            if fut.done():
                continue
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)

    def _fail(self, group: list[_Pending], reason: str) -> None:
        self.failed_operations += len(group)
        message = f"{reason}; none of the {len(group)} writes in this group were saved"
        for _, _, fut in group:
            if not fut.done():
                fut.set_exception(WriteAbortedError(message))

    async def close(self) -> None:
        """Finish every accepted write, then close the connection and let the child exit."""
        if self._closing:
            return
        self._closing = True
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self._flush()
        await self._stop_child()

    async def _stop_child(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if self._broken is None:
            try:
                await self._request(("close",))
            except StoreError:
                pass
        if proc.stdin is not None and not proc.stdin.is_closing():
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), timeout=60)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        self._proc = None


def _pickled_ops(group: list[_Pending]) -> bytes:
    """The group's operations pickled; an operation that cannot be pickled fails alone."""
    ops = [(fn, args) for fn, args, _ in group]
    try:
        return pickle.dumps(ops, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        pass
    safe: list[tuple[Operation, tuple[Any, ...]]] = []
    for fn, args in ops:
        try:
            pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            name = getattr(fn, "__qualname__", repr(fn))
            safe.append((_refuse, (
                f"write operation {name} cannot be sent to the store process ({exc}); operations"
                " must be module-level functions with picklable arguments",
            )))
        else:
            safe.append((fn, args))
    return pickle.dumps(safe, protocol=pickle.HIGHEST_PROTOCOL)


def _refuse(_conn: sqlite3.Connection, message: str) -> None:
    raise StoreError(message)


_refuse.single_statement = True  # type: ignore[attr-defined]


# -- the child ------------------------------------------------------------------------------


class _Frames:
    """Length-prefixed messages from a pipe, with a look for more without blocking."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _take(self) -> bytes | None:
        buffer = self.buffer
        if len(buffer) < _HEADER.size:
            return None
        end = _HEADER.size + _HEADER.unpack_from(buffer)[0]
        if len(buffer) < end:
            return None
        frame = bytes(buffer[_HEADER.size:end])
        del buffer[:end]
        return frame

    def next(self, *, wait: bool) -> bytes | None:
        """The next message; None if none is complete and wait is false. EOFError when the pipe closed."""
        while True:
            frame = self._take()
            if frame is not None:
                return frame
            if not wait and not select.select([self.fd], [], [], 0)[0]:
                return None
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk


def _answer(ok: bool, value: Any) -> bytes:
    try:
        data = pickle.dumps((ok, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        data = pickle.dumps((ok, _portable(value)), protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _portable(value: Any) -> Any:
    """A picklable stand-in for an answer that is not (an exception with odd arguments)."""
    if isinstance(value, tuple) and value and isinstance(value[0], list):
        return ([(ok, v if _picklable(v) else _as_error(v)) for ok, v in value[0]], *value[1:])
    return _as_error(value)


def _picklable(value: Any) -> bool:
    try:
        pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return False
    return True


def _as_error(value: Any) -> StoreError:
    return StoreError(f"{type(value).__name__}: {value}")


class _Server:
    """The child's side: groups that arrived together share one transaction."""

    def __init__(self, frames: _Frames, out: IO[bytes], parent: int) -> None:
        self.frames = frames
        self.out = out
        self.parent = parent
        self.conn: sqlite3.Connection | None = None
        self.max_batch = 1000
        self.held: bytes | None = None  # a request read while gathering groups

    def run(self) -> None:
        try:
            while True:
                frame = self.held if self.held is not None else self.frames.next(wait=True)
                self.held = None
                if os.getppid() != self.parent:
                    return  # the parent is gone: what it sent last must not be applied after it
                if frame[:1] == _GROUP:
                    self.out.write(self.transaction(frame))
                elif not self.request(frame[1:]):
                    return
                self.out.flush()
        except (EOFError, BrokenPipeError):
            return
        finally:
            if self.conn is not None:
                self.conn.close()

    def transaction(self, first: bytes) -> bytes:
        """Apply the first group and every group already waiting in one transaction; their answers."""
        groups: list[list[tuple[Operation, tuple[Any, ...]] | None]] = []
        frame: bytes | None = first
        size = 0
        while frame is not None:
            try:
                ops = pickle.loads(frame[1:])
            except Exception as exc:  # an operation's module cannot be imported here
                ops = exc
            groups.append(ops)
            size += len(ops) if isinstance(ops, list) else 0
            if size >= self.max_batch:
                break
            frame = self.frames.next(wait=False)
            if frame is not None and frame[:1] != _GROUP:
                self.held = frame
                break
        flat = [op for ops in groups if isinstance(ops, list) for op in ops]
        if self.conn is None:
            outcomes: list[tuple[bool, Any]] = [
                (False, StoreClosedError("the store process has no open connection")) for _ in flat
            ]
            committed = False
        else:
            outcomes, committed = apply_group(self.conn, flat)
        answers = []
        position = 0
        counted = False
        for ops in groups:
            if isinstance(ops, list):
                mine = outcomes[position:position + len(ops)]
                position += len(ops)
                answers.append(_answer(True, (mine, committed, 0 if counted else len(flat))))
                counted = True
            else:
                answers.append(_answer(False, StoreError(f"the store process could not read a group: {ops}")))
        return b"".join(answers)

    def request(self, data: bytes) -> bool:
        """Handle one request outside any group; False when the parent asked to close."""
        try:
            request = pickle.loads(data)
            kind = request[0]
            if kind == "connect":
                from core.store.database import _connect_writer

                self.conn = _connect_writer(request[1], request[2])
                self.max_batch = request[3]
                self.out.write(_answer(True, None))
            elif kind == "call":
                if self.conn is None:
                    raise StoreClosedError("the store process has no open connection")
                self.out.write(_answer(True, request[1](self.conn, *request[2])))
            elif kind == "close":
                if self.conn is not None:
                    self.conn.close()
                    self.conn = None
                self.out.write(_answer(True, None))
                self.out.flush()
                return False
            else:
                raise StoreError(f"unknown store process request {kind!r}")
        except Exception as exc:
            self.out.write(_answer(False, exc))
        return True


def _die_with(parent: int) -> None:
    """Be killed the moment the parent dies (Linux), like a writer thread dies with its process.

    A transaction in progress is then rolled back, not committed after the parent is gone
    (when a new gateway may already be recovering). Elsewhere the child notices the new
    parent id before each request and stops.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(0)


def main(parent: int | None = None) -> None:
    """Entry point of the child: the pipe is stdin/stdout; anything printed goes to stderr."""
    parent = os.getppid() if parent is None else parent
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Nothing the child keeps lives long: operations and answers come and go with each group.
    # Its modules need no cycle collection, and a rarer young-generation pass is cheaper.
    import core.store.database  # noqa: F401  (loaded before freezing: the operations need it)

    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    inp = os.dup(0)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    _Server(_Frames(inp), out, parent).run()
