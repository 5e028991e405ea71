"""`roost knowledge reindex|search`: maintain and query the local knowledge base."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from core.cli.common import add_config_arg, load_or_exit, positive_int
from core.hookspecs import hookimpl
from core.meter import Meter
from integrations.knowledge import open_index
from integrations.knowledge.cli import format_results, format_stats
from integrations.knowledge.config import KNOWLEDGE_SCHEMA, resolve_directory
from integrations.knowledge.index import KnowledgeIndex


@hookimpl
def roost_cli_commands(subparsers: Any) -> None:
    """Add `roost knowledge`."""
    knowledge = subparsers.add_parser("knowledge", help="reindex or search the knowledge base")
    ksub = knowledge.add_subparsers(dest="knowledge_command", metavar="ACTION")
    ksub.required = True
    reindex = ksub.add_parser("reindex", help="index new and changed documents, drop deleted ones")
    search = ksub.add_parser("search", help="the best passages for a query")
    search.add_argument("query", type=_query, help="what to look for (any language)")
    search.add_argument("--top-k", type=positive_int, default=None, help="how many passages")
    for parser in (reindex, search):
        add_config_arg(parser)
    knowledge.set_defaults(func=cmd_knowledge)


def _query(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give words to look for, such as \"opening hours\"")
    return text


def cmd_knowledge(args: argparse.Namespace) -> int:
    """Run reindex or search against the configuration's knowledge directory."""
    config = load_or_exit(args)
    if "knowledge" not in config.raw:
        print(f"roost knowledge: {config.file} has no knowledge: section, so answers do not use this index"
              " until you add one", file=sys.stderr)
    section = KNOWLEDGE_SCHEMA(config.raw.get("knowledge"))
    directory = resolve_directory(config.config_dir, section)
    return asyncio.run(_run(args, open_index(config.config_dir, section), directory, section))


async def _run(args: argparse.Namespace, index: KnowledgeIndex, directory: Any, section: dict[str, Any]) -> int:
    async with index:
        if args.knowledge_command == "reindex":
            meter = Meter("indexing", 0, unit="files")
            stats = await index.reindex(directory, on_progress=meter.update)
            meter.finish()
            print(format_stats(stats))
            return 0
        print(format_results(await index.search(args.query, top_k=args.top_k or section["top_k"])))
        return 0
