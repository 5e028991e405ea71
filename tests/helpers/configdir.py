"""Write real configuration directories, drop-in integrations and installed distributions."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import orjson

ROOST = Path(sys.executable).parent / "roost"
"""The `roost` command of the environment the tests run in."""
PING = """\
automations:
  - id: ping
    triggers: [{trigger: message, pattern: '^ping'}]
    actions: [{reply: pong}]
"""
"""A configuration whose one automation answers "pong" to a message that starts with "ping"."""


def replying(platform: str, text: str) -> str:
    """The automations of a configuration that answers every message of platform with text, as written."""
    reply = orjson.dumps(text).decode()  # a JSON string is a YAML one
    return f"\nautomations:\n  - id: reply\n    triggers: [{{trigger: message, platform: {platform}}}]\n" \
           f"    actions: [{{reply: {reply}}}]\n"


def write_config(config_dir: Path, yaml_text: str, files: dict[str, str] | None = None) -> Path:
    """Write configuration.yaml (dedented) and other files (relative path -> text); return the dir."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    for name, text in (files or {}).items():
        target = config_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return config_dir


def write_integration(
    folder: Path, folder_name: str, code: str = "", *, init: bool = True, **manifest: Any
) -> Path:
    """Write folder/folder_name/manifest.json (keys sorted) and __init__.py; return that dir.

    Manifest defaults: domain (the folder name), name, version 1.0.0, kind other; keyword
    arguments override them (pass a value of None to leave a key out).
    """
    directory = folder / folder_name
    directory.mkdir(parents=True, exist_ok=True)
    data = {"domain": folder_name, "name": folder_name.replace("_", " ").title(),
            "version": "1.0.0", "kind": "other", **manifest}
    data = {k: v for k, v in data.items() if v is not None}
    (directory / "manifest.json").write_bytes(
        orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    )
    if init:
        (directory / "__init__.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return directory


def write_dist_info(
    site: Path, dist: str, version: str, entry_points: dict[str, dict[str, str]]
) -> Path:
    """Write an installed distribution's metadata (METADATA, entry_points.txt) into site."""
    info = site / f"{dist}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = []
    for group, entries in entry_points.items():
        lines.append(f"[{group}]")
        lines.extend(f"{name} = {value}" for name, value in entries.items())
        lines.append("")
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return info


def forget_modules(*prefixes: str) -> None:
    """Drop imported modules named prefix or prefix.* (so the next test imports them afresh)."""
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            del sys.modules[name]
