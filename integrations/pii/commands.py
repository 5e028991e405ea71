"""`roost pii test`: see what the sanitizer finds in a text and what a model would get."""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

from core.cli.common import add_config_arg, config_dir
from core.config import load_config
from core.errors import ConfigErrors
from core.hookspecs import hookimpl
from integrations.pii.cli import format_report
from integrations.pii.config import CONFIG_SCHEMA
from integrations.pii.engine import PiiSanitizer
from integrations.pii.vault import InMemoryVault


@hookimpl
def roost_cli_commands(subparsers: Any) -> None:
    """Add `roost pii test`."""
    pii = subparsers.add_parser("pii", help="try the PII sanitizer on a text")
    psub = pii.add_subparsers(dest="pii_command", metavar="ACTION")
    psub.required = True
    test = psub.add_parser("test", help="print the sanitized text, then one line per finding")
    add_config_arg(test)
    test.add_argument("text", help="the text to check ('-' reads standard input, without its last line end)")
    test.add_argument("--json", action="store_true", help="print JSON for scripts")
    pii.set_defaults(func=cmd_pii)


def cmd_pii(args: argparse.Namespace) -> int:
    """Sanitize a text with the configuration's pii settings (defaults when there is none)."""
    section: Any = None
    directory = config_dir(args)
    if (directory / "configuration.yaml").is_file():
        try:
            section = load_config(directory).raw.get("pii")
        except ConfigErrors as err:
            for error in err.errors:
                print(str(error), file=sys.stderr)
            return 1
    # The line end that closes piped input (`echo ... |`) is not part of the text, as with $(...) in a shell.
    text = sys.stdin.read().removesuffix("\n").removesuffix("\r") if args.text == "-" else args.text
    sanitizer = PiiSanitizer(CONFIG_SCHEMA(section), InMemoryVault(), secrets.token_bytes(32))
    print(format_report(text, sanitizer, as_json=args.json))
    return 0
