"""The event bus: listeners per event type, filters before events, isolated failures."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

_LOGGER = logging.getLogger(__name__)

MATCH_ALL = "*"

Handler = Callable[["Event"], Any]
EventFilter = Callable[[Mapping[str, Any]], bool]
EventKey = Callable[[Mapping[str, Any]], Hashable]


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened: a type, its data and when it was fired."""

    event_type: str
    data: Mapping[str, Any] = field(default_factory=dict)
    time_fired: float = 0.0


@dataclass(slots=True)
class _Listener:
    """A handler classified once at registration: plain callable or coroutine function."""

    handler: Handler
    is_coroutine: bool
    event_filter: EventFilter | None
    once: bool = False
    removed: bool = False


class EventBus:
    """Fire events to listeners; plain handlers run inline, coroutines as tasks."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._listeners: dict[str, list[_Listener]] = {}
        self._loop = loop
        self._tasks: set[asyncio.Task[Any]] = set()
        self._keyed: dict[tuple[str, EventKey], dict[Hashable, tuple[_Listener, ...]]] = {}

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop events are delivered on (bound on first use)."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver events on this loop (needed before other threads use fire_threadsafe)."""
        self._loop = loop

    def listen(
        self,
        event_type: str,
        handler: Handler,
        event_filter: EventFilter | None = None,
    ) -> Callable[[], None]:
        """Call handler for each event of this type (or MATCH_ALL); returns an unsubscribe."""
        return self._add(event_type, _Listener(handler, _is_coroutine(handler), event_filter))

    def listen_once(
        self,
        event_type: str,
        handler: Handler,
        event_filter: EventFilter | None = None,
    ) -> Callable[[], None]:
        """Call handler for the next matching event only; returns an unsubscribe."""
        listener = _Listener(handler, _is_coroutine(handler), event_filter, once=True)
        return self._add(event_type, listener)

    def listen_keyed(self, event_type: str, key: EventKey, value: Hashable, handler: Handler) -> Callable[[], None]:
        """Call handler for each event of this type whose key(data) is value; returns an unsubscribe.

        The listeners of one event type and key function share one bus listener that looks them up by
        value, as Home Assistant's keyed event trackers do: an event costs one lookup however many wait
        for one (one filter each made every event of the ws benchmark's HA socket run 320 filters).
        """
        index = self._keyed.get((event_type, key))
        if index is None:
            index = self._keyed[(event_type, key)] = {}
            self.listen(event_type, lambda event: self._deliver_keyed(index, key, event),
                        lambda data: key(data) in index)
        listener = _Listener(handler, _is_coroutine(handler), None)
        index[value] = (*index.get(value, ()), listener)  # copy on write, as the lists of _add

        def unsubscribe() -> None:
            listener.removed = True
            remaining = tuple(item for item in index.get(value, ()) if item is not listener)
            if remaining:
                index[value] = remaining
            else:
                index.pop(value, None)

        return unsubscribe

    def _deliver_keyed(self, index: dict[Hashable, tuple[_Listener, ...]], key: EventKey, event: Event) -> None:
        for listener in index.get(key(event.data), ()):
            if not listener.removed:
                self._deliver(listener, event)

    def _add(self, event_type: str, listener: _Listener) -> Callable[[], None]:
        # Copy on write, as in _remove: a fire in progress never sees a listener added by a
        # handler (a listen_once handler that listens again would otherwise loop forever).
        self._listeners[event_type] = [*self._listeners.get(event_type, ()), listener]

        def unsubscribe() -> None:
            self._remove(event_type, listener)

        return unsubscribe

    def _remove(self, event_type: str, listener: _Listener) -> None:
        if listener.removed:
            return
        listener.removed = True
        listeners = self._listeners.get(event_type)
        if listeners is None:
            return
        # Copy on write: a fire in progress keeps iterating its own list.
        remaining = [item for item in listeners if item is not listener]
        if remaining:
            self._listeners[event_type] = remaining
        else:
            del self._listeners[event_type]

    def listener_count(self, event_type: str | None = None) -> int:
        """How many listeners are registered (for one type, or in all)."""
        if event_type is not None:
            return len(self._listeners.get(event_type, ()))
        return sum(len(items) for items in self._listeners.values())

    def fire(self, event_type: str, data: Mapping[str, Any] | None = None) -> None:
        """Deliver an event to its listeners and the match-all listeners; never raises."""
        data = data if data is not None else {}
        specific = self._listeners.get(event_type)
        catch_all = self._listeners.get(MATCH_ALL) if event_type != MATCH_ALL else None
        if not specific and not catch_all:
            return
        event: Event | None = None
        for listeners, key in ((specific, event_type), (catch_all, MATCH_ALL)):
            if not listeners:
                continue
            for listener in listeners:
                if listener.removed:
                    continue
                if listener.event_filter is not None:
                    try:
                        if not listener.event_filter(data):
                            continue
                    except Exception:
                        _LOGGER.exception("Event filter for %s failed", event_type)
                        continue
                if event is None:
                    event = Event(event_type, data, time.time())
                if listener.once:
                    self._remove(key, listener)
                self._deliver(listener, event)

    def fire_threadsafe(self, event_type: str, data: Mapping[str, Any] | None = None) -> None:
        """Fire from another thread (an executor or a model worker)."""
        loop = self._loop
        if loop is None:
            try:
                loop = self.loop
            except RuntimeError:
                raise RuntimeError(
                    "the event bus is not bound to an event loop yet; call bind(loop) "
                    "or use the bus on its loop before firing from other threads"
                ) from None
        loop.call_soon_threadsafe(self.fire, event_type, data)

    def _deliver(self, listener: _Listener, event: Event) -> None:
        if listener.is_coroutine:
            task = self.loop.create_task(self._run_coroutine(listener.handler, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        try:
            result = listener.handler(event)
        except Exception:
            _LOGGER.exception("Listener %r for %s failed", listener.handler, event.event_type)
            return
        if inspect.isawaitable(result):
            task = self.loop.create_task(self._await(result, listener.handler, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run_coroutine(self, handler: Handler, event: Event) -> None:
        try:
            await handler(event)
        except Exception:
            _LOGGER.exception("Listener %r for %s failed", handler, event.event_type)

    async def _await(self, awaitable: Awaitable[Any], handler: Handler, event: Event) -> None:
        try:
            await awaitable
        except Exception:
            _LOGGER.exception("Listener %r for %s failed", handler, event.event_type)

    @property
    def busy(self) -> bool:
        """True while coroutine listeners are still running."""
        return bool(self._tasks)

    async def drain(self) -> None:
        """Wait until the coroutine listeners started so far have finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _is_coroutine(handler: Handler) -> bool:
    target = handler
    while hasattr(target, "func"):  # functools.partial
        target = target.func  # type: ignore[attr-defined]
    return inspect.iscoroutinefunction(target) or (
        callable(target) and inspect.iscoroutinefunction(type(target).__call__)
    )
