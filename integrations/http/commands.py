"""`roost token create|list|revoke`: the access tokens of the http integration."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path
from typing import Any

import voluptuous as vol

from core.cli.common import add_config_arg, config_dir, open_config_store
from core.config import ConfigErrors, load_config
from core.hookspecs import hookimpl
from integrations.http import CONFIG_SCHEMA
from integrations.http.addresses import page_addresses
from integrations.http.tokens import TokenBook, shown_time

DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@hookimpl
def roost_cli_commands(subparsers: Any) -> None:
    """Add `roost token`."""
    token = subparsers.add_parser("token", help="create, list or revoke access tokens for the HTTP API")
    tsub = token.add_subparsers(dest="token_command", metavar="ACTION")
    tsub.required = True
    create = tsub.add_parser("create", help="make a token and print it (once)")
    create.add_argument("name", help="what the token is for, e.g. dashboard")
    create.add_argument("--expires", type=_duration, default=None, metavar="AGE",
                        help="lifetime such as 90d, 12h, 30m or 2w (default: never)")
    create.add_argument("--admin", action="store_true",
                        help="may also act on the status page: retry and discard dead letters, answer pairing codes")
    listing = tsub.add_parser("list", help="name, created, last used, expiry")
    revoke = tsub.add_parser("revoke", help="remove a token now")
    revoke.add_argument("name")
    for parser in (create, listing, revoke):
        add_config_arg(parser)
    token.set_defaults(func=cmd_token)


def _duration(value: str) -> float:
    match = DURATION.match(value.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError("expected a number and a unit, such as 90d, 12h, 30m or 45s")
    seconds = float(match.group(1)) * UNITS[match.group(2)]
    if seconds <= 0:  # a token that has expired when it is made is a mistake, not a wish
        raise argparse.ArgumentTypeError(f"{value} is no lifetime: give more than 0, such as 90d")
    return seconds


def _where_to_use(directory: Path) -> list[str]:
    """Where a browser on the network logs in with a token, by the configuration's http section (none: no lines)."""
    try:
        raw = load_config(directory).raw
        if "http" not in raw:
            return []
        config = CONFIG_SCHEMA(raw["http"] or {}) or CONFIG_SCHEMA({})
    except (ConfigErrors, vol.Invalid):  # `roost check` says what is wrong
        return []
    base = page_addresses(config["host"], config["port"], bool(config.get("ssl_certificate")))[0]
    pages = [("The status page", "/")] if config["status_page"] else []
    pages += [("The chat page", "/chat")] if "websocket_api" in raw else []
    return [f"{name} logs in with it: {base}{path}" for name, path in pages]


def cmd_token(args: argparse.Namespace) -> int:
    """Run one token action against the configuration's store (also while Roost runs)."""
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    store = await open_config_store(config_dir(args), exclusive=None)
    try:
        book = TokenBook(store.state.of("http"))
        if args.token_command == "create":
            try:
                token = await book.create(args.name, args.expires, admin=args.admin)
            except ValueError as err:
                print(f"roost token: {err}", file=sys.stderr)
                return 1
            print(token)
            print(f"This is the only time the token named {args.name!r} is shown; Roost keeps only its hash.",
                  file=sys.stderr)
            for line in _where_to_use(config_dir(args)):
                print(line, file=sys.stderr)
            return 0
        if args.token_command == "revoke":
            if not await book.revoke(args.name):
                print(f"roost token: no token named {args.name!r}", file=sys.stderr)
                return 1
            print(f"Revoked {args.name!r}; it stops working at once (the WebSockets and status pages open with it"
                  " are closed within a second).")
            return 0
        now = time.time()
        for info in await book.list():
            expiry = "never" if info.expires is None else ("EXPIRED " if info.expired(now) else "") + shown_time(info.expires)
            used = shown_time(info.last_used) if info.last_used else "never"
            scope = "admin" if info.admin else "api"
            print(f"{info.name}\t{scope}\tcreated {shown_time(info.created)}\tlast used {used}\texpires {expiry}")
        return 0
    finally:
        await store.close()
