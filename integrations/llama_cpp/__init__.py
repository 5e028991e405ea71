"""Local GGUF models run in-process through llama-cpp-python, one dedicated thread per model."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

# llama.cpp's OpenMP threads spin while waiting; on a small shared box that starves everything
# else (measured: 2 threads up to 17x slower under load). Passive waiting must be chosen before
# llama_cpp is imported; a value the user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from core.doctor import OK, PROBLEM, Finding  # noqa: E402
from core.errors import ModelError  # noqa: E402
from core.hookspecs import hookimpl  # noqa: E402
from integrations.llama_cpp.backend import LlamaCppBackend, check_gguf  # noqa: E402
from integrations.llama_cpp.config import CONFIG_SCHEMA, resolve_model_path  # noqa: E402
from integrations.llama_cpp.loads import UnfinishedLoads  # noqa: E402

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


@hookimpl
def roost_doctor(config: dict[str, Any], config_dir: Path) -> list[Finding]:
    """The llama.cpp build, and each model's file (and whether it took Roost down as it loaded)."""
    try:
        import llama_cpp

        features = re.findall(r"(\w+) = 1", llama_cpp.llama_print_system_info().decode())
        found = [Finding(OK, f"llama_cpp: llama-cpp-python {llama_cpp.__version__} loads"
                             f" (CPU features: {', '.join(features) or 'none reported'})")]
    except Exception as err:  # a broken build: the model path cannot work
        found = [Finding(PROBLEM, f"llama_cpp: llama-cpp-python does not load ({type(err).__name__}: {err});"
                                  " run ./scripts/setup again to rebuild it")]
    for model in CONFIG_SCHEMA(config)["models"]:
        path = resolve_model_path(model["path"], config_dir)
        try:
            check_gguf(path, model["name"])
            UnfinishedLoads(config_dir).check(model["name"], path, model)
        except ModelError as err:
            found.append(Finding(PROBLEM, f"llama_cpp: {err}"))
        else:
            found.append(Finding(OK, f"llama_cpp: model '{model['name']}': {path}"
                                     f" ({path.stat().st_size / 1e6:.1f} MB, GGUF)"))
    return found
