"""`roost pair list|approve|deny|revoke`: who may talk to Roost on the chat platforms (also while it runs)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from core.cli.common import add_config_arg, config_dir, open_config_store
from core.pipeline.access import DOMAIN, Pairing


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
        pairing = Pairing(store.state.of(DOMAIN))
        if args.pair_command == "list":
            waiting = await pairing.pending()
            approved = await pairing.approvals()
            if not waiting and not approved:
                print("No pairing codes wait, and nobody is approved yet.")
            for entry in waiting:
                left = max(0, 3600 - (time.time() - entry["created"])) / 60
                print(f"waiting   {entry['code']}  {entry['platform']} user {entry['user']}"
                      f" (chat {entry['chat_id']}), {left:.0f} min left")
            for platform, user in approved:
                print(f"approved  {platform} user {user}")
            return 0
        if args.pair_command in ("approve", "deny"):
            entry = await (pairing.approve(args.code) if args.pair_command == "approve" else pairing.deny(args.code))
            if entry is None:
                print(f"roost pair: no waiting code {args.code!r} (unknown, or older than an hour);"
                      " `roost pair list` shows the codes", file=sys.stderr)
                return 1
            done = "approved" if args.pair_command == "approve" else "denied"
            print(f"{entry['platform']} user {entry['user']} {done}.")
            return 0
        if not await pairing.revoke(args.platform, args.user):
            print(f"roost pair: {args.platform} user {args.user} was not approved", file=sys.stderr)
            return 1
        print(f"{args.platform} user {args.user} may no longer talk to Roost (unless allow_from lists them).")
        return 0
    finally:
        await store.close()
