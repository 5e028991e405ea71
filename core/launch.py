"""The `roost` console script: the command line, loaded with the garbage collector paused."""

from __future__ import annotations

import gc


def main() -> int:
    """Load and run the command line.

    Loading it makes about 150 collections, and nearly every object they look at lives on. Paused
    here and through the gateway's setup (run_commands.start_checked), `roost run` on the ws
    benchmark's configuration got to ready in 0.54-0.58 s instead of 0.63-0.72 s (quiet host), and
    0.60-0.72 s instead of 0.69-1.04 s (medians of 4, interleaved, while the host was slow).
    """
    gc.disable()
    try:
        from core.cli import main as run_command_line
    finally:
        gc.enable()
    return run_command_line()
