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
operation in it with ``WriteAbortedError`` (``StoreLostError`` once the child has died, and
every later write too). What moves is where groups form: the loop sends
the operations submitted in each turn of the event loop (or as soon as FLUSH_EVERY wait)
without waiting for earlier ones, and the child takes everything that has arrived while it
was committing into its next transaction. So the child never waits for the loop to hand it
work, and the loop never waits for the child to take it. Operations cross the pipe pickled: they must be module-level
functions (every repository operation is) with picklable arguments; one that is not fails
alone, with an error saying so.

The child (``core.store.child``) serves requests in order and exits when its parent closes the pipe. When the
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
import logging
import os
import pickle
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.store.errors import StoreClosedError, StoreError, StoreLostError, WriteAbortedError
from core.store.figures import WriterFigures
from core.store.lost_groups import LostGroupsLog
from core.store.operations import Operation, refuse, settle

_LOGGER = logging.getLogger(__name__)
_HEADER = struct.Struct("!I")
_ROOT = Path(__file__).resolve().parents[2]  # the directory that holds the core package
_GROUP, _REQUEST = b"G", b"P"
_RESTART = "; restart Roost to open the store again"
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
        # What was sent and awaits its answer, in order: a group's futures, or one request's; and when it was sent.
        self._sent: collections.deque[tuple[list[_Pending] | asyncio.Future[Any], float]] = collections.deque()
        self._answers_ended: asyncio.Future[bool] | None = None  # True when the child died or closed
        self._reader: asyncio.Task[None] | None = None  # fails what waits once the answers end
        self._broken: str | None = None
        self._closing = False
        self.on_lost: Callable[[str], None] | None = None
        """Called once when the child dies while the store is open (nothing can be written then)."""
        self.figures = WriterFigures()
        self._lost_log = LostGroupsLog(_LOGGER)

    async def start(self) -> None:
        """Start the child process and open the write connection there."""
        self._loop = asyncio.get_running_loop()
        # The child imports what it unpickles (operations by module and name) as this process would,
        # and nothing from the working directory (-P): a "core" package there is not Roost's.
        paths = [str(_ROOT), *(p for p in sys.path if p and os.path.isdir(p))]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in (*paths, env.get("PYTHONPATH", "")) if p))
        answers, child_end = os.pipe()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable, "-S", "-P", "-c", f"from core.store.child import main; main({os.getpid()})",
                stdin=asyncio.subprocess.PIPE, stdout=child_end, env=env,
            )
        except OSError as exc:
            os.close(answers)
            raise StoreProcessError(f"the store process could not be started ({exc})") from exc
        finally:
            os.close(child_end)
        self._answers_ended = self._loop.create_future()
        await self._loop.connect_read_pipe(lambda: _Answers(self._answered, self._answers_stopped),
                                           os.fdopen(answers, "rb", 0))
        self._reader = self._loop.create_task(self._fail_what_waits(), name="roost-store-process")
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
            raise StoreLostError(self._broken)
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
        sent = sum(len(waiter) for waiter, _ in self._sent if isinstance(waiter, list))
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
            if proc is not None and not self._closing and self._broken is None:
                # Its pipe closed before its answers ended: it died, and nothing more can be written.
                self._broken = f"the store process ended{_RESTART}"
            message = self._broken or "the store process is not running"
            if isinstance(waiter, list):
                self._fail(waiter, message)
            elif not waiter.done():
                waiter.set_exception(self._lost(message))
            return
        self._sent.append((waiter, time.perf_counter()))
        proc.stdin.write(_HEADER.pack(len(data)) + data)

    def _request(self, request: tuple[Any, ...]) -> asyncio.Future[Any]:
        assert self._loop is not None
        fut: asyncio.Future[Any] = self._loop.create_future()
        self._send(_REQUEST + pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL), fut)
        return fut

    def _answered(self, ok: bool, value: Any) -> None:
        """One answer of the child: it settles what was sent first and not yet answered."""
        waiter, sent_at = self._sent.popleft()
        if isinstance(waiter, list):
            self.figures.timed(time.perf_counter() - sent_at)
            if ok:
                self._resolve(waiter, value)
            else:
                self._fail(waiter, str(value))
        elif not waiter.done():
            if ok:
                waiter.set_result(value)
            else:
                waiter.set_exception(value)

    def _answers_stopped(self, unreadable: Exception | None) -> None:
        """The child's answers ended (it died or closed), or one could not be read: nothing more can be written."""
        if unreadable is not None:  # the channel is out of step
            self._broken = f"the store process sent an unreadable answer ({unreadable!r}); restart Roost"
        else:
            self._broken = f"the store process ended{_RESTART}"  # at once: writes may come
        assert self._answers_ended is not None
        self._answers_ended.set_result(unreadable is None)

    async def _fail_what_waits(self) -> None:
        """Once the answers end: fail every write and request still waiting, and tell on_lost."""
        assert self._proc is not None and self._answers_ended is not None
        if await self._answers_ended:  # its exit status says more than the closed pipe
            try:
                code: int | None = await asyncio.wait_for(asyncio.shield(self._proc.wait()), 1.0)
            except TimeoutError:
                code = None
            if code is not None:
                self._broken = f"the store process ended (exit code {code}){_RESTART}"
        broken = self._broken or "the store process stopped"
        if not self._closing and self.on_lost is not None:
            asyncio.get_running_loop().call_soon(self.on_lost, broken)
        while self._sent:
            waiter, _ = self._sent.popleft()
            if isinstance(waiter, list):
                self._fail(waiter, broken)
            elif not waiter.done():
                waiter.set_exception(self._lost(broken))

    def _resolve(self, group: list[_Pending], answer: tuple[list[tuple[bool, Any]], bool, int]) -> None:
        outcomes, committed, transaction_size = answer
        failed = sum(1 for ok, _ in outcomes if not ok) if committed else 0
        if transaction_size:  # the first message of a transaction carries its size
            if committed:
                self.figures.committed(transaction_size, failed)
                self._lost_log.committed()
            else:
                self.figures.lost(transaction_size)
                self._lost_log.lost(outcomes)
        elif failed:
            self.figures.lost(failed)
        settle(group, outcomes)

    def _fail(self, group: list[_Pending], reason: str) -> None:
        self.figures.lost(len(group))
        message = f"{reason}; none of the {len(group)} writes in this group were saved"
        error = StoreLostError if self._broken is not None else WriteAbortedError
        for _, _, fut in group:
            if not fut.done():
                fut.set_exception(error(message))

    def _lost(self, message: str) -> StoreError:
        """The error of a request that cannot be answered: the store is lost, or (not running) closed."""
        return StoreLostError(message) if self._broken is not None else StoreClosedError(message)

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


class _Answers(asyncio.Protocol):
    """The child's answers, each settled in the turn of the event loop that reads it.

    Read through asyncio's subprocess stream, an answer took three turns of the loop (the pipe's read,
    the subprocess transport's hand-over to its protocol, the task reading the stream). Read here, a
    message at 1,200 messages/s took 24.1 turns instead of 25.7 and the gateway 4.5 % less CPU
    (460.6 against 482.4 us a message, means of 16 runs each, interleaved).
    """

    def __init__(self, answered: Callable[[bool, Any], None],
                 stopped: Callable[[Exception | None], None]) -> None:
        self._answered = answered
        self._stopped: Callable[[Exception | None], None] | None = stopped
        self._partial = bytearray()  # the start of an answer still arriving
        self._needed = 0  # how long _partial must grow before that answer can be read
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        partial = self._partial
        if partial:  # gathered in one buffer, read once whole: a large answer is not copied per read
            partial += data
            if len(partial) < self._needed:
                return
            data = bytes(partial)
            partial.clear()
        start, size = 0, len(data)
        view = memoryview(data)
        try:
            while size - start >= _HEADER.size:
                end = start + _HEADER.size + _HEADER.unpack_from(data, start)[0]
                if end > size:
                    break
                ok, value = pickle.loads(view[start + _HEADER.size:end])
                start = end
                self._answered(ok, value)
        except Exception as exc:
            self._stop(exc)
            return
        if start < size:
            partial += view[start:]
            self._needed = end - start if size - start >= _HEADER.size else _HEADER.size

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop(None)

    def _stop(self, unreadable: Exception | None) -> None:
        stopped, self._stopped = self._stopped, None
        if stopped is not None:
            stopped(unreadable)
            if unreadable is not None and self._transport is not None:
                self._transport.close()


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
            safe.append((refuse, (
                f"write operation {name} cannot be sent to the store process ({exc}); operations"
                " must be module-level functions with picklable arguments",
            )))
        else:
            safe.append((fn, args))
    return pickle.dumps(safe, protocol=pickle.HIGHEST_PROTOCOL)
