"""The Gateway: the object every integration receives — bus, config, registries, lifecycle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import pluggy

from core import events, hookspecs
from core.automation import builtin_types
from core.automation.engine import AutomationEngine
from core.backups import backup_action
from core.bus import EventBus
from core.channel import Channel
from core.config import Config, register_core_section
from core.conversations import Conversations, forget_conversation_action
from core.errors import ConfigError, ConfigErrors, StoreUnavailable
from core.ids import new_id
from core.loader import Discovery, discover
from core.message import Message
from core.model import ModelBackend
from core.network import NETWORK_SCHEMA, NetworkMonitor
from core.pipeline import SCHEDULER_SCHEMA, Pipeline
from core.pipeline.timers import TimerHandler, Timers
from core.plugins import call_hook, collect_types, load_integrations
from core.sandbox import SANDBOX_SCHEMA, CommandPolicy
from core.sanitizer import Sanitizer, outbound_mask, sanitize_all
from core.setup import IntegrationState, await_me_maybe, setup_all
from core.store import Store, StoreLostError
from core.store.open import STORE_SCHEMA, open_store
from core.store.state import DomainState
from core.validation import validate

_LOGGER = logging.getLogger(__name__)

register_core_section("store", STORE_SCHEMA)
register_core_section("scheduler", SCHEDULER_SCHEMA)
register_core_section("sandbox", SANDBOX_SCHEMA)
register_core_section("network", NETWORK_SCHEMA)

ActionHandler = Callable[[Any, dict[str, Any]], Awaitable[Any]]


class Gateway:
    """One running Roost: integrations plug in here, messages enter through ingest()."""

    def __init__(self, config: Config, *, discovery: Discovery | None = None) -> None:
        self.config = config
        self.config_dir: Path = config.config_dir
        """The configuration directory (configuration.yaml, secrets, knowledge/, roost.db)."""
        self.bus = EventBus()
        """The event bus: listen to the events in core.events, fire your own."""
        self.data: dict[str, Any] = {}
        """A place per integration for what it keeps while running (by convention, its domain as key)."""
        self.channels: dict[str, Channel] = {}
        self.models: dict[str, ModelBackend] = {}
        """The model backends by name (``register_model`` adds one)."""
        self.sanitizers: list[Sanitizer] = []
        self.actions: dict[str, ActionHandler] = {
            "roost.backup": lambda ctx, data: backup_action(self, ctx, data),
            "roost.forget_conversation": lambda ctx, data: forget_conversation_action(self, ctx, data)}
        self.conversations = Conversations(self)
        """What models remember of each chat (``recent``, ``remember``) and forgetting it (``forget``)."""
        self.integrations: dict[str, IntegrationState] = {}
        self.config_errors: list[ConfigError] = []
        self.discovery = discovery or discover(config.config_dir)
        self.plugins = pluggy.PluginManager(hookspecs.PROJECT)
        self.plugins.add_hookspecs(hookspecs)
        self.engine = AutomationEngine(self)
        self.engine.compiler.regex_max_text = config.core["regex_max_text"]
        self.bot_names: tuple[str, ...] = tuple(config.core.get("bot_names", ("roost",)))
        """The names a message may address Roost by (for mentions)."""
        self.foreground_chat = False
        """True under `roost chat`: the console reads the terminal."""
        self.network_online = True
        self.network: NetworkMonitor | None = None
        self.knowledge: Any = None
        """The knowledge provider generate actions ask (register_knowledge), or None."""
        self.sandbox = CommandPolicy()
        """The commands programs may be run as (the `run` action's and integrations' one door)."""
        self.state = "created"
        """created, prepared, starting, running, stopping or stopped."""
        self._background: set[asyncio.Task[Any]] = set()
        self._stopped = asyncio.Event()
        self._running = asyncio.Event()
        self._scrubbers: list[Callable[[str], str]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._order: list[Any] = []
        self._stop_requested = False
        self._store_settings: dict[str, Any] = {}
        self._scheduler_settings: dict[str, Any] = {}
        self.store: Store | None = None  # the core's (the pipeline's, the CLI's); integrations use storage()
        self.pipeline: Pipeline | None = None
        self.exit_code = 0  # what `roost run` exits with: 1 after a failure that stopped the gateway

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the gateway runs on."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def prepare(self) -> list[Any]:
        """Import configured integrations, validate their config, compile automations (no setup)."""
        if self.state != "created":
            return self._order
        self.state = "prepared"
        self.config_errors.extend(self.discovery.errors)
        self.plugins.register(builtin_types, name="core")
        self._order = load_integrations(self.config, self.discovery, self.plugins, self.integrations,
                                        self.config_errors)
        self.plugins.check_pending()
        collect_types(self.plugins, self.engine.compiler, self.integrations, self.config_errors, self.discovery)
        self.config_errors.extend(self.engine.load(self.config.automations, self.config.blueprint_search()))
        self._store_settings = self._core_section("store", STORE_SCHEMA)
        self._scheduler_settings = self._core_section("scheduler", SCHEDULER_SCHEMA)
        try:
            self.sandbox = CommandPolicy.from_config(self.config.raw.get("sandbox"), file=str(self.config.file))
        except ConfigErrors as err:
            self.config_errors.extend(err.errors)
        self.network = NetworkMonitor(self, self._core_section("network", NETWORK_SCHEMA))
        return self._order

    def _core_section(self, key: str, schema: Any) -> dict[str, Any]:
        try:
            return validate(schema, self.config.raw.get(key) or {}, path=(key,), file=str(self.config.file),
                            line=self.config.locate(key)[1])
        except ConfigErrors as err:
            self.config_errors.extend(err.errors)
            return validate(schema, {})

    async def start(self) -> None:
        """Load configured integrations and automations, set everything up, start triggers."""
        self._loop = asyncio.get_running_loop()
        self.bus.bind(self._loop)
        order = self.prepare()
        self.state = "starting"
        for error in self.config_errors:
            _LOGGER.error("Left out, configuration error: %s", error)
        core = self.config.core
        settings = self._store_settings
        self.store = store = await open_store(self.config_dir, settings, writer=settings["writer"])
        store.db.on_writer_lost = self._store_lost
        self.pipeline = Pipeline(
            store, self.engine, self.channels, self.bus, store_settings=settings,
            scheduler_settings=self._scheduler_settings, scrub=self.scrub, models=self.models,
            mask=lambda platform: outbound_mask(self.sanitizers, platform), failure_reply=core.get("failure_reply", ""),
        )
        if self.network is not None:
            self.network.start()
        await setup_all(self, order, core.get("setup_warn_after", 10.0), core.get("setup_timeout", 60.0))
        await self.pipeline.start()
        self.engine.attach()
        self.state = "running"
        self._running.set()
        if self._stop_requested:
            self.request_stop()
        self.bus.fire(events.GATEWAY_STARTED, {})
        loaded = [d for d, s in self.integrations.items() if s.status == "loaded"]
        brought = [a.id for a in self.engine.automations.values() if a.file is None]
        _LOGGER.info("Roost started: %d integrations (%s), %d automations of the configuration%s", len(loaded),
                     ", ".join(loaded) or "none", len(self.engine.automations) - len(brought),
                     f" and {len(brought)} that integrations bring ({', '.join(brought)})" if brought else "")

    def call_hooks(self, name: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of a hook (an integration's own, declared with HOOKSPECS)."""
        return list(getattr(self.plugins.hook, name)(**kwargs))

    def call_hook(self, domain: str, name: str, **kwargs: Any) -> Any:
        """Call one integration's implementation of a hook (None when it has none)."""
        return call_hook(self.plugins, domain, name, **kwargs)

    async def stop(self) -> None:
        """Stop gracefully: no new runs, finish running ones up to a timeout, stop integrations."""
        if self.state in ("stopping", "stopped"):
            await self._stopped.wait()
            return
        self.state = "stopping"
        self._running.set()  # release ingest calls that waited for a start that never came
        self.bus.fire(events.GATEWAY_STOPPING, {})
        self.engine.detach()
        if self.pipeline is not None:
            await self.pipeline.stop(self.config.core.get("stop_timeout", 10.0))
        await self.bus.drain()
        for domain in reversed([d for d, s in self.integrations.items() if s.status == "loaded"]):
            try:
                await await_me_maybe(self.call_hook(domain, "roost_stop", gateway=self))
            except Exception:
                _LOGGER.exception("Stopping integration %s failed", domain)
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        for model in list(self.models.values()):
            try:
                await model.close()
            except Exception:
                _LOGGER.exception("Closing model %s failed", model.name)
        if self.pipeline is not None:
            await self.pipeline.close()
        if self.store is not None:
            await self.store.close()
        self.state = "stopped"
        self._stopped.set()
        _LOGGER.info("Roost stopped")

    def request_stop(self) -> None:
        """Ask the gateway to stop soon (from a signal handler or a channel), also while starting."""
        if self.state == "running":
            self.create_background_task(self.stop(), "stop", keep=False)
        elif self.state in ("created", "prepared", "starting"):
            self._stop_requested = True  # start() stops as soon as it has finished

    async def wait_stopped(self) -> None:
        """Wait until stop() has finished."""
        await self._stopped.wait()

    def create_background_task(self, coro: Coroutine[Any, Any, Any], name: str, *,
                               keep: bool = True) -> asyncio.Task[Any]:
        """Start a task the gateway cancels on stop (keep=False: let it run through stop)."""
        task = self.loop.create_task(coro, name=name)
        task.add_done_callback(_log_failure)
        if keep:
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return task

    def _store_lost(self, reason: str) -> None:
        """The store's writer died: nothing can be made durable, so stop for a service manager to restart."""
        _LOGGER.critical("The store cannot be written any more (%s). Roost stops; start it again"
                         " (a service manager does) and it resumes where it stopped.", reason)
        self.exit_code = 1
        self.request_stop()

    # -- registries --------------------------------------------------------------------

    def register_channel(self, channel: Channel) -> None:
        """Make a channel available for sending under its platform name (``channel.info.platform``)."""
        platform = channel.info.platform
        if platform in self.channels:
            raise ConfigError(f"a channel for platform '{platform}' is already registered")
        self.channels[platform] = channel

    def register_timer(self, name: str, handler: TimerHandler) -> None:
        """Name a handler for durable timers (domain.name); from roost_setup, before scheduling any."""
        self._timers().register(name, handler)

    async def schedule(self, name: str, at: float, data: Any = None, *, key: str | None = None,
                       priority: int = 0) -> int:
        """Run a registered timer handler with data at epoch time at, durably (once per key); its id."""
        return await self._timers().schedule(name, at, data, key=key, priority=priority)

    def _timers(self) -> Timers:
        if self.pipeline is None:
            raise RuntimeError("timers are there once Roost has opened its store (from roost_setup on)")
        return self.pipeline.timers

    def storage(self, domain: str) -> DomainState:
        """An integration's durable key-value store (cursors, sessions, settings), once Roost started."""
        if self.store is None:
            raise RuntimeError("storage is there once Roost has opened its store (from roost_setup on)")
        return self.store.state.of(domain)

    def register_model(self, model: ModelBackend) -> None:
        """Make a model available to generate actions by its name."""
        if model.name in self.models:
            raise ConfigError(f"a model named '{model.name}' is already registered")
        self.models[model.name] = model

    def register_sanitizer(self, sanitizer: Sanitizer) -> None:
        """Add a sanitizer to the model path and the log filter."""
        self.sanitizers.append(sanitizer)
        self._scrubbers.append(sanitizer.scrub)

    def register_automation(self, config: dict[str, Any], *, source: str) -> None:
        """Add an automation an integration brings (from its roost_setup); ConfigErrors if it is invalid.

        Its runs are durable like any other: a message that triggers it is stored with its run.
        source: the integration's domain, named in errors.
        """
        if self.state not in ("prepared", "starting"):
            raise RuntimeError("automations can only be added while Roost starts (from roost_setup)")
        errors = self.engine.add(config, self.config.blueprint_search(), path=(source, "automation"))
        if errors:
            raise ConfigErrors([ConfigError(f"automation '{config.get('id', '?')}' from integration {source}:"
                                            f" {e.message}", file=e.file, line=e.line, path=e.path) for e in errors])

    def register_action(self, name: str, handler: ActionHandler) -> None:
        """Register an action callable from blueprints as `call: name` (domain.action)."""
        if name in self.actions:
            raise ConfigError(f"action '{name}' is already registered")
        self.actions[name] = handler

    def scrub(self, text: str) -> str:
        """Mask sensitive data for logs and traces with every registered sanitizer."""
        for scrubber in self._scrubbers:
            text = scrubber(text)
        return text

    # -- the way a message travels ---------------------------------------------------

    async def ingest(self, message: Message) -> bool:
        """The single door for inbound messages: True once stored with its runs, False for a redelivery, a sender
        kept out or a message not read; StoreUnavailable when Roost takes none now (it stops: automations detached)."""
        if self.state in ("created", "prepared", "starting"):
            await self._running.wait()  # channels may start before the automations are attached
        if self.state != "running":
            raise StoreUnavailable(f"Roost is {self.state}")
        assert self.pipeline is not None
        return await self.pipeline.ingest(message)

    async def stored(self, platform: str, platform_msg_id: str) -> bool:
        """Whether a platform message is in the inbox (ingest answers False for a redelivery of one that is)."""
        return self.store is not None and await self.store.inbox.holds(platform, platform_msg_id)

    async def send(self, platform: str, chat_id: str, text: str, *, reply_to: str | None = None,
                   idempotency_key: str | None = None, priority: int = 0) -> str:
        """Queue text for a chat in the durable outbox (higher priority is sent first); returns its reference."""
        if self.pipeline is None:
            raise ConfigError(f"no channel for platform '{platform}' is set up (Roost has not started)")
        key = idempotency_key or f"send:{new_id()}"
        return await self.pipeline.send(platform, chat_id, text, idempotency_key=key, priority=priority,
                                        reply_to=reply_to)

    async def sanitize(self, text: str, scope: str) -> str:
        """Text as a model may see it (refused while a configured sanitizer is not set up)."""
        return await sanitize_all(self.sanitizers, self.integrations, text, scope)

    def status(self) -> dict[str, Any]:
        """What runs now: state, name, integrations, channels (online), models, config errors, the store's disk."""
        return {
            "state": self.state, "name": self.config.core.get("name", "Roost"),
            "integrations": {domain: {"status": s.status, **({"reason": s.reason} if s.reason else {})}
                             for domain, s in self.integrations.items()},
            "channels": {platform: bool(channel.online) for platform, channel in self.channels.items()},
            "models": sorted(self.models), "configuration_errors": [str(e) for e in self.config_errors],
            "disk": None if self.pipeline is None else self.pipeline.disk_space.reading(),
        }

    async def queue_stats(self) -> dict[str, Any]:
        """Tasks by state, replies pending and dead per platform, replies delivered, dead letters, the store writer's
        figures."""
        return {} if self.store is None else await self.store.queue_stats()

    async def traces(self, limit: int = 10, automation_id: str | None = None,
                     run_prefix: str | None = None) -> list[dict[str, Any]]:
        """The latest finished runs, newest first (of one automation, of the run ids starting with run_prefix)."""
        if self.pipeline is not None:
            await self.pipeline.traces.close()  # runs that finished a moment ago are written first
        return [] if self.store is None else [t.data for t in await self.store.traces.recent(limit, automation_id, run_prefix)]

    def cancel_runs(self, platform: str, chat_id: str) -> int:
        """Stop the runs answering a chat now (say, its user pressed Ctrl-C); how many were stopped."""
        return self.engine.cancel(f"{platform}:{chat_id}")

    async def delivery_failed(self, platform: str, platform_msg_id: str, reason: str) -> bool:
        """A platform said later that a reply it had accepted was not delivered: it goes to the dead letters."""
        return self.store is not None and await self.store.outbox.fail_delivered(platform, platform_msg_id, reason)

    def register_knowledge(self, provider: Any) -> None:
        """Set the knowledge provider generate actions use: context(message, query, top_k) -> str; optionally cited_context
        (the text and its documents, for `sources`), and for the status page status(), documents(), add, remove."""
        self.knowledge = provider

    def channel_state(self, platform: str, online: bool) -> None:
        """Channels report here when their platform becomes reachable or unreachable."""
        if self.pipeline is not None:
            self.pipeline.channel_state(platform, online)
        else:
            self.bus.fire(events.CHANNEL_ONLINE if online else events.CHANNEL_OFFLINE, {"platform": platform})

    async def chat_back(self, platform: str, chat_id: str) -> None:
        """One chat's recipient is reachable again (a client took a conversation up): its held replies go now."""
        if self.pipeline is not None:
            await self.pipeline.outbound.chat_back(platform, chat_id)

    async def wait_idle(self, settle: float = 0.05, *, platform: str | None = None, chat_id: str | None = None) -> None:
        """Wait until no run or listener work is pending (with platform and chat_id: nothing owed to that chat,
        looked at once, then whenever a task ends or a reply goes out: its work is stored, it cannot look idle early)."""
        if platform is not None and chat_id is not None and self.pipeline is not None:
            await self.pipeline.settle(platform, chat_id, settle)
            return
        while True:
            await self.bus.drain()
            await asyncio.sleep(settle)
            if not self.bus.busy and (self.pipeline is None or await self.pipeline.idle()):
                return


def _log_failure(task: asyncio.Task[Any]) -> None:
    """Background tasks must not die silently."""
    error = None if task.cancelled() else task.exception()
    if error is not None and not isinstance(error, StoreLostError):  # that one _store_lost has told, once
        _LOGGER.error("Background task %s failed: %s: %s", task.get_name(), type(error).__name__, error,
                      exc_info=error)
