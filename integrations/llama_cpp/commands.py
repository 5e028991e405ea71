"""`roost model fetch [URL]|list`: the bundled model or a GGUF file from the web; the configured models' files."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from core.cli.common import add_config_arg, config_dir, load_or_exit, print_json
from core.errors import ModelError
from core.hookspecs import hookimpl
from core.meter import megabytes
from integrations.llama_cpp.config import CONFIG_SCHEMA, resolve_model_path
from integrations.llama_cpp.download import download_address, download_model, model_file_name
from integrations.llama_cpp.loads import UnfinishedLoads
from integrations.llama_cpp.modelfetch import (
    DEFAULT_MODEL,
    ModelFetchError,
    fetch_default_model,
    file_sha256,
    model_status,
)


@hookimpl
def roost_cli_commands(subparsers: Any) -> None:
    """Add `roost model`."""
    model = subparsers.add_parser("model", help="fetch the bundled model or a GGUF file, list configured models")
    msub = model.add_subparsers(dest="model_command", metavar="ACTION")
    msub.required = True
    fetch = msub.add_parser("fetch", help=f"put {DEFAULT_MODEL.filename}, or the GGUF file at URL, in the config"
                                          " dir's models/")
    fetch.add_argument("url", nargs="?", metavar="URL",
                       help="a .gguf file's address (a Hugging Face file's page or download link); an interrupted"
                            " download goes on where it stopped when the command is run again")
    add_config_arg(fetch)
    fetch.add_argument("--sha256", metavar="HEX", help="keep the file only if it has this sha256 (the model's page lists it)")
    fetch.add_argument("--if-missing", action="store_true", help="do nothing when it is already there")
    fetch.add_argument("--quiet", action="store_true", help="no progress display")
    listing = msub.add_parser("list", help="configured models and whether their files are present; GGUF files in"
                                           " models/ that no model names")
    add_config_arg(listing)
    listing.add_argument("--json", action="store_true")
    model.set_defaults(func=cmd_model)


def cmd_model(args: argparse.Namespace) -> int:
    """Run `roost model fetch` or `roost model list`."""
    if args.model_command == "fetch" and args.url:
        return _fetch_url(args)
    if args.model_command == "fetch":
        dest = config_dir(args) / "models"
        target = dest / DEFAULT_MODEL.filename
        if args.if_missing and model_status(target, size=DEFAULT_MODEL.size) == "present":
            return 0
        try:
            path = fetch_default_model(dest, progress=not args.quiet)
        except ModelFetchError as err:
            print(f"roost model fetch: {err}", file=sys.stderr)
            return 1
        print(f"Model ready: {path}")
        return 0
    config = load_or_exit(args)
    section = config.raw.get("llama_cpp")
    rows = []
    if "llama_cpp" in config.raw:
        for model in CONFIG_SCHEMA(section or {})["models"]:
            path = resolve_model_path(model["path"], config.config_dir)
            status, per_slot, said = _read_shape(_refused_or(model_status(path), config.config_dir, path, model),
                                                 path, model)
            rows.append({"name": model["name"], "backend": "llama_cpp", "path": str(path), "status": status,
                         "parallel": model["parallel"], "n_ctx": model["n_ctx"], "kv_type": model["kv_type"],
                         "kv_bytes_per_slot": per_slot, **({"llama_cpp_said": said} if said else {})})
    for model in (config.raw.get("openai_compat") or {}).get("models", []) or []:
        rows.append({"name": model.get("name"), "backend": "openai_compat", "path": "-", "status": "remote"})
    configured = {Path(row["path"]).resolve() for row in rows if row["backend"] == "llama_cpp"}
    for file in sorted((config.config_dir / "models").glob("*.gguf")):
        if file.resolve() not in configured:
            rows.append({"name": None, "backend": "llama_cpp", "path": str(file), "status": "not configured"})
    if args.json:
        print_json(rows)
    elif not rows:
        print("No models configured (add a llama_cpp or openai_compat section).")
    else:
        for r in rows:
            if r["name"] is None:
                print(f"{'-':<12} {'llama_cpp':<14} {'not configured':<10} {r['path']}\n{'':<12} add it under"
                      f" llama_cpp: models: to use it (path: models/{Path(r['path']).name})")
                continue
            slots = ""
            if r.get("kv_bytes_per_slot"):
                slots = (f"  ({r['parallel']} slot(s) of {r['n_ctx']} tokens,"
                         f" KV cache {r['kv_bytes_per_slot'] / 2**20:.1f} MiB a slot, {r['kv_type']})")
            print(f"{r['name']:<12} {r['backend']:<14} {r['status']:<10} {r['path']}{slots}")
            if r["status"] in _WHY:
                print(f"{'':<12} {_WHY[r['status']]}")
            if r.get("llama_cpp_said"):
                print(f"{'':<12} llama.cpp said: {r['llama_cpp_said']}")
    return 0


def _fetch_url(args: argparse.Namespace) -> int:
    """`roost model fetch URL`: download the file into models/ and say how to use it."""
    dest = config_dir(args) / "models"
    try:
        name = model_file_name(download_address(args.url))
        path = dest / name
        if path.exists():
            if args.sha256 and file_sha256(path) != args.sha256.lower():
                raise ModelFetchError(f"{path} is there with another sha256; move it away to fetch it again")
            print(f"{path} is already there" + ("" if args.if_missing else "; move it away to fetch it again"))
            return 0
        path = download_model(args.url, dest, sha256=args.sha256, progress=not args.quiet)
    except ModelFetchError as err:
        print(f"roost model fetch: {err}", file=sys.stderr)
        return 1
    stem = re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")[:40] or "model"
    print(f"Model ready: {path} ({megabytes(path.stat().st_size)}, sha256 {file_sha256(path)})\n"
          "To use it, add it under llama_cpp: models: in configuration.yaml (`roost model list` then shows the"
          f" memory it takes):\n  - name: {stem}\n    path: models/{name}")
    return 0


_WHY = {
    "refused": "it took Roost down each time it loaded; `roost doctor` says more",
    "damaged": "llama.cpp ended its process reading it: the file is damaged, or of a kind this build cannot load",
}


def _refused_or(status: str, config_dir: Path, path: Path, model: dict[str, Any]) -> str:
    """The file's status, or refused if it took Roost down as it loaded (reading it here would too)."""
    if status != "present":
        return status
    try:
        UnfinishedLoads(config_dir).check(model["name"], path, model)
    except ModelError:
        return "refused"
    return status


def _read_shape(status: str, path: Path, model: dict[str, Any]) -> tuple[str, int | None, str | None]:
    """The status, the KV cache one slot takes, and what llama.cpp said as it ended the process: the model's shape
    is read from its file in a child process, as llama.cpp aborts the process reading some damaged files, and the
    listing must tell of them, not end."""
    if status != "present":
        return status, None, None
    with tempfile.NamedTemporaryFile(prefix="roost-model-list-") as said, ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_stderr_to, initargs=(said.name,)) as child:
        try:
            return status, child.submit(_kv_per_slot, str(path), model["n_ctx"], model["kv_type"]).result(), None
        except BrokenProcessPool:
            return "damaged", None, _last_words(Path(said.name).read_text("utf-8", "replace"))


def _stderr_to(path: str) -> None:
    """In the child: what native code writes to stderr goes to path, and ggml prints no backtrace when it aborts
    (a debugger's dozens of lines on the terminal)."""
    os.environ["GGML_NO_BACKTRACE"] = "1"
    os.dup2(os.open(path, os.O_WRONLY | os.O_APPEND), 2)


def _last_words(said: str) -> str | None:
    """The line saying why llama.cpp aborted (its failed assertion or error), else its last line."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    why = [line for line in lines if "GGML_ASSERT" in line or "error" in line.lower()]
    last = (why or lines or [None])[-1]
    return None if last is None else re.sub(r"^\S*/(?=[^/\s]+:\d+:)", "", last)  # the build's folders: noise


def _kv_per_slot(path: str, n_ctx: int, kv_type: str) -> int | None:
    """The KV cache one slot of n_ctx tokens takes (in the child process); None when llama.cpp cannot read it."""
    from integrations.llama_cpp.batching import kv_cache_bytes
    from integrations.llama_cpp.logs import route_llama_logs

    route_llama_logs()  # llama.cpp's loading chatter goes to the log, not the terminal
    try:
        return int(kv_cache_bytes(path, n_ctx, kv_type))
    except ModelError:
        return None
