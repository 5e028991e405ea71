"""Helpers shared by the CLI commands: --config, loading, printing errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from core.automation.blueprint import load_blueprint
from core.config import Config, load_config, resolve_config_dir
from core.errors import ConfigError, ConfigErrors
from core.gateway import Gateway
from core.plugins import INVALID_CONFIGURATION
from core.setup import await_me_maybe
from core.store import Store, StoreError
from core.store.open import database_path, open_store, store_settings

CONFIG_HELP = "configuration directory (default: $ROOST_CONFIG or ~/.roost)"


def add_config_arg(parser: argparse.ArgumentParser) -> None:
    """Add --config DIR to a subcommand; it may also come before the subcommand (`roost --config DIR ...`)."""
    # SUPPRESS: when the subcommand does not get it, the value given before the subcommand stays.
    parser.add_argument("--config", "-c", metavar="DIR", default=argparse.SUPPRESS, help=CONFIG_HELP)


def config_dir(args: argparse.Namespace) -> Path:
    """The configuration directory chosen on the command line."""
    return resolve_config_dir(getattr(args, "config", None))


def load_or_exit(args: argparse.Namespace) -> Config:
    """Load the configuration, or print located errors and exit 1."""
    try:
        return load_config(config_dir(args))
    except ConfigErrors as err:
        print_errors(err.errors)
        raise SystemExit(1) from None
    except ConfigError as err:  # malformed YAML, a missing !secret or !include
        print_errors([err])
        raise SystemExit(1) from None


def prepared_gateway(args: argparse.Namespace) -> Gateway:
    """A gateway with integrations imported and automations compiled, nothing started."""
    gateway = Gateway(load_or_exit(args))
    gateway.prepare()
    return gateway


def configuration_problems(gateway: Gateway, *, unused_blueprints: bool = True) -> list[ConfigError]:
    """Everything wrong with a prepared gateway's configuration, each once: what `roost check` prints.

    With unused_blueprints False, only what would run: a broken blueprint no automation uses stops no start
    (and is not read twice: the automations read theirs).
    """
    errors = list(gateway.config_errors)
    for domain, state in gateway.integrations.items():
        if state.status in ("failed", "skipped") and state.reason != INVALID_CONFIGURATION:  # its errors are listed
            errors.append(ConfigError(f"integration '{domain}' {state.status}: {state.reason}",
                                      file=str(state.manifest.manifest_file)))
    for folder in gateway.config.blueprint_search() if unused_blueprints else ():
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.yaml")):
            try:
                load_blueprint(path)
            except ConfigErrors as err:
                errors.extend(err.errors)
            except ConfigError as err:
                errors.append(err)
    return list({str(error): error for error in errors}.values())


class NoStorage:
    """The storage an integration's roost_check sees before Roost ever started: empty."""

    async def get(self, _key: str, default: Any = None) -> Any:
        """Nothing is stored: the default."""
        return default

    async def keys(self, _prefix: str = "") -> list[str]:
        """Nothing is stored: no keys."""
        return []


class UnreadableStorage:
    """The storage an integration's roost_doctor sees when the store does not open: reading it fails, so that no
    check reports an empty store as what is stored."""

    WHY = "its stored state cannot be read, as the store does not open (see the store's line)"

    async def get(self, _key: str, default: Any = None) -> Any:
        """Cannot be read."""
        raise StoreError(self.WHY)

    async def keys(self, _prefix: str = "") -> list[str]:
        """Cannot be read."""
        raise StoreError(self.WHY)


async def ask_integrations(gateway: Gateway, hook: str, *, store_optional: bool = False,
                           **kwargs: Any) -> list[tuple[str, Any]]:
    """(domain, answer) of every set-up-able integration's hook (roost_check, roost_doctor), called without
    starting Roost, with its stored state read-only (with store_optional, none when the store cannot be opened);
    an answer is the exception when the hook raised."""
    path, _settings = config_store_settings(gateway.config_dir)
    store, nothing = None, NoStorage()
    if path.exists():
        try:
            store = await open_config_store(gateway.config_dir)
        except StoreError:
            if not store_optional:
                raise
            nothing = UnreadableStorage()
    answers: list[tuple[str, Any]] = []
    try:
        for domain, state in gateway.integrations.items():
            if state.status != "pending":
                continue
            storage = store.state.of(domain) if store is not None else nothing
            try:
                answer = await await_me_maybe(gateway.call_hook(domain, hook, config=state.config, storage=storage,
                                                                **kwargs))
            except Exception as err:  # one broken hook must not hide the others
                answer = err
            answers.append((domain, answer))
    finally:
        if store is not None:
            await store.close()
    return answers


async def stored_problems(gateway: Gateway) -> list[ConfigError]:
    """What integrations' roost_check hooks find with the store read (for `roost check`)."""
    found = []
    for domain, messages in await ask_integrations(gateway, "roost_check"):
        if isinstance(messages, Exception):
            raise messages
        file, line = gateway.config.locate(domain)
        found += [ConfigError(f"{domain}: {message}", file=file, line=line) for message in messages or []]
    return found


def config_store_settings(directory: Path) -> tuple[Path, dict[str, Any]]:
    """The database file and the store settings of a configuration directory."""
    settings = store_settings(load_config(directory).raw.get("store"))
    return database_path(directory, settings), settings


async def open_config_store(directory: Path, *, exclusive: str | None = None, cipher: Any = None) -> Store:
    """Open a configuration's store from the CLI (exclusive: take the instance lock for that purpose)."""
    _path, settings = config_store_settings(directory)
    return await open_store(directory, settings, exclusive=exclusive, cipher=cipher)


def print_errors(errors: list[ConfigError]) -> None:
    """One FILE:LINE: message line per error, on stderr."""
    for error in errors:
        print(str(error), file=sys.stderr)


def positive_int(value: str) -> int:
    """An argparse type: a whole number of 1 or more (a count: --limit, --top-k)."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def print_json(value: object) -> None:
    """Print JSON (indented) on stdout; keys read from YAML (a str of our own kind) too."""
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=str).decode() + "\n")
