"""`roost check`, `roost integrations`, `roost blueprint list|test`, `roost trace`: look without running."""

from __future__ import annotations

import argparse
import asyncio
import textwrap
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.automation.blueprint import blueprint_names, find_blueprint, load_blueprint
from core.automation.engine import is_run_prefix
from core.cli.common import (
    add_config_arg,
    config_store_settings,
    configuration_problems,
    load_or_exit,
    open_config_store,
    positive_int,
    prepared_gateway,
    print_errors,
    print_json,
    stored_problems,
)
from core.errors import ConfigError, ConfigErrors
from core.message import Message
from core.store.open import InstanceLock


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add check, integrations, blueprint (list, test) and trace."""
    check = sub.add_parser("check", help="validate configuration, manifests and blueprints")
    add_config_arg(check)
    check.set_defaults(func=cmd_check)

    integrations = sub.add_parser("integrations", help="list integrations and whether they load")
    add_config_arg(integrations)
    integrations.add_argument("--json", action="store_true", help="print JSON")
    integrations.set_defaults(func=cmd_integrations)

    blueprint = sub.add_parser("blueprint", help="work with blueprints")
    bsub = blueprint.add_subparsers(dest="blueprint_command", metavar="ACTION")
    bsub.required = True
    listing = bsub.add_parser("list", help="the blueprints there are, their inputs and the automations using them")
    add_config_arg(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_blueprint_list)
    test = bsub.add_parser("test", help="dry run: which automations a message would start")
    add_config_arg(test)
    test.add_argument("--platform", required=True, help="platform of the pretend message, e.g. telegram")
    test.add_argument("--text", required=True, help="text of the pretend message")
    test.add_argument("--sender", default="tester", help="sender id (default: tester)")
    test.add_argument("--chat", default="test", help="chat id (default: test)")
    test.add_argument("--json", action="store_true", help="print JSON")
    test.set_defaults(func=cmd_blueprint_test)

    trace = sub.add_parser("trace", help="show the latest automation runs")
    add_config_arg(trace)
    trace.add_argument("run", nargs="?", type=_run_prefix, metavar="RUN",
                       help="only the run whose id starts with RUN (the digits a failure reply names)")
    trace.add_argument("--limit", type=positive_int, default=10, help="how many runs (default: 10)")
    trace.add_argument("--automation", help="only runs of this automation id")
    trace.add_argument("--json", action="store_true", help="print JSON")
    trace.set_defaults(func=cmd_trace)


def _run_prefix(value: str) -> str:
    if not is_run_prefix(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a run id: expected its hex digits, such as bd21e734")
    return value


def cmd_check(args: argparse.Namespace) -> int:
    """Validate everything; exit 1 with FILE:LINE: message lines when something is wrong."""
    gateway = prepared_gateway(args)
    problems = configuration_problems(gateway) + asyncio.run(stored_problems(gateway))
    if problems:
        print_errors(problems)
        return 1
    print(
        f"Configuration OK: {len(gateway.integrations)} integrations, "
        f"{len(gateway.engine.automations)} automations ({gateway.config.file})"
    )
    running = InstanceLock(gateway.config_dir).holder()
    if running is not None:
        print(f"Roost (pid {running}) runs on it: `roost reload` gives it these automations; other changes take"
              " effect when it starts again")
    return 0


def cmd_integrations(args: argparse.Namespace) -> int:
    """Every integration found, where from, and whether it loads with this configuration."""
    gateway = prepared_gateway(args)
    rows = []
    for domain, manifest in sorted(gateway.discovery.integrations.items()):
        state = gateway.integrations.get(domain)
        if state is None:
            status = "not configured"
        elif state.status == "pending":
            status = "loads"
        else:
            status = f"{state.status}: {state.reason}" if state.reason else state.status
        rows.append({
            "domain": domain, "name": manifest.name, "version": manifest.version or "",
            "kind": manifest.kind, "source": manifest.source, "path": str(manifest.path), "status": status,
        })
    if args.json:
        print_json(rows)
        return 0
    width = max((len(r["domain"]) for r in rows), default=6)
    for r in rows:
        print(f"{r['domain']:<{width}}  {r['version'] or '-':<8} {r['source']:<8} {r['kind']:<10} {r['status']}  ({r['name']})")
    return 0


def cmd_blueprint_list(args: argparse.Namespace) -> int:
    """Every blueprint `use_blueprint: path:` may name (the configuration's own first), with its inputs."""
    config = load_or_exit(args)
    search = config.blueprint_search()
    used: dict[str, list[str]] = {}
    for automation in config.automations:
        use = automation.get("use_blueprint") if isinstance(automation, dict) else None
        if isinstance(use, dict):
            used.setdefault(str(use.get("path")), []).append(str(automation.get("id", "?")))
    rows: list[dict[str, Any]] = []
    for name in sorted(blueprint_names(search)):
        path = find_blueprint(name, search)
        row: dict[str, Any] = {"path": name, "file": str(path), "used_by": used.get(name, [])}
        try:
            blueprint = load_blueprint(path) if path is not None else None
        except (ConfigError, ConfigErrors) as err:
            row["errors"] = [str(e) for e in (err.errors if isinstance(err, ConfigErrors) else [err])]
            blueprint = None
        if blueprint is not None:
            row |= {"name": blueprint.name, "description": blueprint.description, "inputs": blueprint.inputs}
        rows.append(row)
    status = 1 if any("errors" in row for row in rows) else 0
    if args.json:
        print_json(rows)
        return status
    for row in rows:
        users = f"used by {', '.join(row['used_by'])}" if row["used_by"] else "unused"
        print(f"{row['path']}  {row.get('name', '(does not load)')}  ({users}; {row['file']})")
        if row.get("description"):
            print(textwrap.fill(" ".join(row["description"].split()), 100, initial_indent="    ",
                                subsequent_indent="    "))
        for input_name, spec in row.get("inputs", {}).items():
            shown = repr(spec.get("default"))
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            default = f"default {shown}" if "default" in spec else "required"
            label = spec.get("name") or spec.get("description")
            print(f"    input {input_name}: {label + ' ' if label else ''}({default})")
        for error in row.get("errors", []):
            print(f"    {error}")
    return status


def cmd_blueprint_test(args: argparse.Namespace) -> int:
    """Dry run a message through the automations; no side effects."""
    gateway = prepared_gateway(args)
    if gateway.config_errors:
        print_errors(gateway.config_errors)
    gateway.engine.attach(kinds=("message",))
    status = 1 if gateway.config_errors else 0
    message = Message.create(args.platform, args.chat, args.sender, args.text, bot_names=gateway.bot_names)
    report = gateway.engine.dry_run(message)
    if args.json:
        print_json({"message": message.as_dict(), "matches": report})
        return status
    if not report:
        print("No automation matches this message.")
        elsewhere: dict[str, list[str]] = {}
        for platform in sorted(gateway.engine.message_index.platforms - {message.platform}):
            for item in gateway.engine.dry_run(replace(message, platform=platform)):
                elsewhere.setdefault(item["automation"], []).append(platform)
        if elsewhere:
            listed = "; ".join(f"{name} on {', '.join(platforms)}" for name, platforms in elsewhere.items())
            print(f"On other platforms it would match {listed}: an automation's `platform:` (or its"
                  " blueprint's `platforms` input) says where it listens.")
        return status
    for item in report:
        verdict = "would run" if item["would_run"] else "conditions fail"
        print(f"{item['automation']} ({item['alias']}): trigger {item['trigger']} matches; {verdict}")
        for cond in item["conditions"]:
            print(f"  condition {cond['condition']}: {'pass' if cond['passed'] else 'FAIL'}")
        for action in item["actions"]:
            print(f"  action {action}")
    return status


async def _read_traces(directory: Path, limit: int, automation_id: str | None,
                       run_prefix: str | None) -> list[dict[str, Any]]:
    """The latest traces, newest first, as dicts (none before the first start)."""
    path, _settings = config_store_settings(directory)
    if not path.exists():
        return []
    store = await open_config_store(directory)
    try:
        return [t.data for t in await store.traces.recent(limit, automation_id, run_prefix)]
    finally:
        await store.close()


def cmd_trace(args: argparse.Namespace) -> int:
    """The latest runs from the store."""
    traces = asyncio.run(_read_traces(Path(load_or_exit(args).config_dir), args.limit, args.automation, args.run))
    if args.json:
        print_json(traces)
        return 0
    if not traces and args.run:
        print(f"No run {args.run}… among the traces kept (`store: trace_days`, `traces_per_automation`).")
        return 1
    if not traces:
        print("No runs recorded yet.")
        return 0
    for t in traces:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t["started"]))
        took = f"{(t['finished'] - t['started']) * 1000:.0f} ms" if t.get("finished") else "-"
        print(f"{when}  {t['automation_id']}  {t['status']}  {took}  run {t['run_id'][:8]}")
        for note in t.get("notes", []):
            print(f"    note: {note}")
        for cond in t.get("conditions", []):
            print(f"    condition {cond['condition']}: {'pass' if cond['passed'] else 'FAIL'}")
        for step in t.get("steps", []):
            outcome = f"error: {step['error']}" if step.get("error") else f"-> {step.get('result')!r}"
            print(f"    {step['path']} {step['action']} ({step['duration'] * 1000:.1f} ms) {outcome}")
        if t.get("error"):
            print(f"    {t['error']}")
    return 0
