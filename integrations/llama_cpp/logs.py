"""llama.cpp's own log, routed to Roost's logger (debug level) instead of the process's stderr."""

from __future__ import annotations

import ctypes
import logging
from typing import Any

LLAMA_LOG = logging.getLogger("integrations.llama_cpp.llama")
_callback: Any = None  # kept alive: llama.cpp calls it through ctypes


def route_llama_logs() -> None:
    """Send llama.cpp's log lines to LLAMA_LOG (once per process; replaces llama-cpp-python's printer)."""
    global _callback
    if _callback is not None:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback
    def forward(_level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
        line = text.decode("utf-8", "replace").rstrip()
        if line:
            LLAMA_LOG.debug("%s", line)

    llama_cpp.llama_log_set(forward, ctypes.c_void_p(0))
    _callback = forward
