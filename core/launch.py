"""The `roost` console script: the command line, loaded with the garbage collector paused and aiohttp
imported beside it."""

from __future__ import annotations

import gc
import threading


def _import_aiohttp() -> None:
    """Import aiohttp, whose connector reads the system's CA certificates for two TLS contexts as it
    is imported (~90 ms here): OpenSSL does that with the GIL released."""
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        pass  # the command line's own import of it says what is missing


def main() -> int:
    """Load and run the command line.

    Loading it makes about 150 collections, and nearly every object they look at lives on. Paused
    here and through the gateway's setup (run_commands.start_checked), `roost run` on the ws
    benchmark's configuration got to ready in 0.54-0.58 s instead of 0.63-0.72 s (quiet host), and
    0.60-0.72 s instead of 0.69-1.04 s (medians of 4, interleaved, while the host was slow).

    aiohttp is imported in a thread meanwhile, so reading the certificates overlaps loading the rest
    on the other core: ready in 0.90 s instead of 1.04 s (medians of 24, interleaved, while the host
    was slow).
    """
    gc.disable()
    aiohttp_loader = threading.Thread(target=_import_aiohttp, name="import-aiohttp", daemon=True)
    aiohttp_loader.start()
    try:
        from core.cli import main as run_command_line
    finally:
        aiohttp_loader.join()
        gc.enable()
    return run_command_line()
