"""`roost pair list|approve|deny|revoke`: who may talk to Roost on the chat platforms (also while it runs)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from core.cli.common import add_config_arg, config_dir, open_config_store
from core.pairing import DOMAIN, Pairing, pair_action


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add pair."""
    pair = sub.add_parser("pair", help="approve or deny pairing codes, list or revoke approved senders")
    actions = pair.add_subparsers(dest="pair_command", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="codes waiting for approval, and approved senders")
    approve = actions.add_parser("approve", help="let the sender a code was given to talk to Roost")
    approve.add_argument("code")
    deny = actions.add_parser("deny", help="forget a code without approving it")
    deny.add_argument("code")
    revoke = actions.add_parser("revoke", help="take an approval back")
    revoke.add_argument("platform", help="telegram, whatsapp, discord, ...")
    revoke.add_argument("user", help="the sender's platform user id (as `roost pair list` shows it)")
    for parser in (listing, approve, deny, revoke):
        add_config_arg(parser)
    pair.set_defaults(func=cmd_pair)


def cmd_pair(args: argparse.Namespace) -> int:
    """Run one pairing action against the configuration's store."""
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    store = await open_config_store(config_dir(args), exclusive=None)
    try:
        words = [args.pair_command, *(getattr(args, name) for name in ("code", "platform", "user") if hasattr(args, name))]
        done, text = await pair_action(Pairing(store.state.of(DOMAIN)), words)
    finally:
        await store.close()
    print(text if done else f"roost pair: {text}", file=sys.stdout if done else sys.stderr)
    return 0 if done else 1
