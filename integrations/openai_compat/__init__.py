"""Remote OpenAI-compatible model servers (llama.cpp server, Ollama, vLLM) with failover."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from integrations.openai_compat.client import backends_from_config
from integrations.openai_compat.config import CONFIG_SCHEMA

__all__ = ["CONFIG_SCHEMA"]
DOMAIN = "openai_compat"


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> None:
    """Register one model per configured entry (connections open on first use)."""
    backends = backends_from_config(config)
    gateway.data[DOMAIN] = backends
    for backend in backends:
        gateway.register_model(backend)
