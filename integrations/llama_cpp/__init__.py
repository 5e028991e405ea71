"""Local GGUF models run in-process through llama-cpp-python, one dedicated thread per model."""

from __future__ import annotations

import logging
import os
from typing import Any

# llama.cpp's OpenMP threads spin while waiting; on a small shared box that starves everything
# else (measured: 2 threads up to 17x slower under load). Passive waiting must be chosen before
# llama_cpp is imported; a value the user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from core.hookspecs import hookimpl  # noqa: E402
from integrations.llama_cpp.backend import LlamaCppBackend  # noqa: E402
from integrations.llama_cpp.config import CONFIG_SCHEMA  # noqa: E402

__all__ = ["CONFIG_SCHEMA"]
DOMAIN = "llama_cpp"
_LOGGER = logging.getLogger(__name__)


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> Any:
    """Register each configured model and load it on its own thread in the background."""
    backends = [LlamaCppBackend(model, gateway.config_dir) for model in config["models"]]
    gateway.data[DOMAIN] = backends
    for backend in backends:
        gateway.register_model(backend)

        async def preload(backend: LlamaCppBackend = backend) -> None:
            try:
                await backend.load()
            except Exception as err:  # the error repeats, clearly, on each request
                _LOGGER.error("Model %s could not be loaded: %s", backend.name, err)

        gateway.create_background_task(preload(), f"load model {backend.name}")
