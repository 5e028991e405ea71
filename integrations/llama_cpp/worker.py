"""One dedicated thread per model: it loads the Llama object and is the only thread calling it.

A llama-cpp-python ``Llama`` is not thread-safe (two concurrent calls crash the process) and
calls from different threads in turn are much slower, so every call goes through a FIFO queue
into this thread. Streamed items reach the event loop through ``call_soon_threadsafe`` as they
are produced; a cancelled consumer sets a per-request event that the thread checks between items.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from core.errors import ModelError, RoostError

if TYPE_CHECKING:
    from integrations.llama_cpp.batching import Batcher

__all__ = ["LlamaWorker"]

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

_ITEM, _ERROR, _DONE = "item", "error", "done"


class _Job:
    """A unit of work for the model thread, with its way back to the event loop."""

    __slots__ = ("fn", "loop", "cancel", "streaming", "batched", "_sink")

    def __init__(
        self,
        fn: Callable[[Any], Any],
        loop: asyncio.AbstractEventLoop,
        sink: Callable[[str, Any], None],
        *,
        streaming: bool,
        batched: bool = False,
    ) -> None:
        self.fn = fn
        self.loop = loop
        self.cancel = threading.Event()
        self.streaming = streaming
        self.batched = batched
        self._sink = sink

    def send(self, kind: str, value: Any = None) -> bool:
        """Hand a result to the loop; False when the loop is gone (the job is then cancelled)."""
        try:
            self.loop.call_soon_threadsafe(self._sink, kind, value)
        except RuntimeError:  # event loop closed
            self.cancel.set()
            return False
        return True


class LlamaWorker:
    """Owns one model on one thread: loads it lazily and runs every call on it, first in first out."""

    def __init__(self, name: str, loader: Callable[[], Any], *, join_timeout: float = 30.0,
                 batcher: Callable[[Any], Batcher] | None = None,
                 guard: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext) -> None:
        self.name = name
        self._loader = loader
        self._guard = guard  # around each load, its batcher included (loads.py: one that ended Roost)
        self._make_batcher = batcher
        self._batcher: Batcher | None = None
        self._join_timeout = join_timeout
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._current: _Job | None = None
        self._llm: Any = None
        self._closed = False

    # -- state ---------------------------------------------------------------------------

    @property
    def thread_ident(self) -> int | None:
        """The model thread's identifier, once it has started."""
        return self._thread.ident if self._thread is not None else None

    def is_alive(self) -> bool:
        """True while the model thread runs."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def loaded(self) -> bool:
        """True once the model has been loaded on the thread."""
        return self._llm is not None

    # -- calls from the event loop ---------------------------------------------------------

    async def run(self, fn: Callable[[Any], T]) -> T:
        """Run fn(llm) on the model thread and return its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def sink(kind: str, value: Any) -> None:
            if future.done():
                return
            if kind == _ERROR:
                future.set_exception(value)
            elif kind == _ITEM:
                future.set_result(value)

        job = _Job(fn, loop, sink, streaming=False)
        self._submit(job)
        try:
            return await future
        finally:
            job.cancel.set()

    @property
    def batching(self) -> bool:
        """Whether answers are produced by the batcher (known once the model is loaded)."""
        return self._batcher is not None

    async def stream(self, fn: Callable[[Any], Any], *, batched: bool = False) -> AsyncIterator[Any]:
        """Iterate fn(llm) on the model thread, yielding each item here as soon as it exists.

        batched: fn(llm) returns the fields of a BatchRequest (prompt tokens, limits, sampling),
        and the batcher produces the answer's pieces together with the other requests'.
        """
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        job = _Job(
            fn, loop, lambda kind, value: inbox.put_nowait((kind, value)), streaming=True, batched=batched
        )
        self._submit(job)
        try:
            while True:
                kind, value = await inbox.get()
                if kind == _ITEM:
                    yield value
                elif kind == _ERROR:
                    raise value
                else:
                    return
        finally:
            # Closed early or cancelled: the thread stops at the next item.
            job.cancel.set()

    async def load(self) -> None:
        """Load the model now (instead of on the first request); raises ModelError on failure."""
        await self.run(lambda llm: None)

    async def close(self) -> None:
        """Stop the thread after the running call; queued calls fail with ModelError."""
        if self._closed:
            return
        self._closed = True
        current = self._current
        if current is not None:
            current.cancel.set()
        self._jobs.put(None)
        thread = self._thread
        if thread is not None and thread.is_alive():
            await asyncio.to_thread(thread.join, self._join_timeout)
            if thread.is_alive():
                _LOGGER.warning("model %s: thread still busy after %ss", self.name, self._join_timeout)

    # -- the model thread --------------------------------------------------------------------

    def _submit(self, job: _Job) -> None:
        if self._closed:
            raise ModelError(f"model '{self.name}' is closed")
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._main, name=f"llama:{self.name}", daemon=True
                )
                self._thread.start()
        self._jobs.put(job)

    def _main(self) -> None:
        try:
            while True:
                if self._batcher is not None and self._batcher.busy:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:  # nothing new: one more decoding step for the requests it holds
                        self._batcher.step()
                        continue
                else:
                    job = self._jobs.get()
                if job is None:
                    break
                if self._closed:
                    job.send(_ERROR, ModelError(f"model '{self.name}' is closed"))
                    continue
                if job.cancel.is_set():
                    continue
                self._current = job
                try:
                    self._execute(job)
                finally:
                    self._current = None
        finally:
            self._release()
            self._fail_pending()

    def _fail_pending(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.send(_ERROR, ModelError(f"model '{self.name}' is closed"))

    def _execute(self, job: _Job) -> None:
        try:
            llm = self._ensure_loaded()
            if job.batched:
                from integrations.llama_cpp.batching import BatchRequest

                if self._batcher is None:
                    raise ModelError(f"model '{self.name}' answers one request at a time (no batcher)")

                self._batcher.admit(BatchRequest(
                    **job.fn(llm), send=lambda piece: not job.cancel.is_set() and job.send(_ITEM, piece),
                    finish=lambda error: job.send(_DONE) if error is None else job.send(_ERROR, error),
                    cancelled=job.cancel.is_set,
                ))
                return
            if not job.streaming:
                job.send(_ITEM, job.fn(llm))
                return
            iterator = iter(job.fn(llm))
            try:
                for item in iterator:
                    if job.cancel.is_set() or not job.send(_ITEM, item):
                        break
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()
            job.send(_DONE)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to its request
            job.send(_ERROR, self._as_model_error(exc))

    def _ensure_loaded(self) -> Any:
        if self._llm is None:
            try:
                with self._guard():
                    self._llm = self._loader()
                    if self._make_batcher is not None:
                        self._batcher = self._make_batcher(self._llm)
            except BaseException as exc:
                self._release()  # only whole, with its batcher: a refused one fails every request alike
                if isinstance(exc, RoostError) or not isinstance(exc, Exception):
                    raise
                raise ModelError(f"could not load model '{self.name}': {exc}") from exc
        return self._llm

    def _as_model_error(self, exc: Exception) -> Exception:
        if isinstance(exc, RoostError):
            return exc
        err = ModelError(f"model '{self.name}' failed: {type(exc).__name__}: {exc}")
        err.__cause__ = exc
        return err

    def _release(self) -> None:
        batcher, self._batcher = self._batcher, None
        if batcher is not None:
            batcher.close()
        llm, self._llm = self._llm, None
        if llm is not None:
            close = getattr(llm, "close", None)
            try:
                if close is not None:
                    close()
            except Exception:  # noqa: BLE001
                _LOGGER.exception("model %s: error while closing", self.name)
