"""The `roost` command line run in the test's own process, as a person would type it."""

from __future__ import annotations

import pytest

from core.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The exit status of `roost ARGV` (argparse's SystemExit too) and what it printed: (status, out, err)."""
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
