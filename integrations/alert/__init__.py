"""Emergency alerts: one message to every configured chat at top priority, repeated until answered."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl
from integrations.alert.actions import AlertActions, ack_automation
from integrations.alert.config import CONFIG_SCHEMA, DOMAIN
from integrations.alert.service import AlertService

__all__ = ["CONFIG_SCHEMA", "DOMAIN", "roost_setup", "roost_stop"]


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any] | None) -> Any:
    """Load the alerts kept so far; register the alert actions and the "/ack" automation."""
    return _setup(gateway, CONFIG_SCHEMA(config or {}))


async def _setup(gateway: Any, config: dict[str, Any]) -> None:
    service = AlertService(gateway, config)
    await service.load()
    actions = AlertActions(service)
    gateway.register_action("alert.broadcast", actions.broadcast)
    gateway.register_action("alert.list", actions.list)
    gateway.register_action("alert.ack", actions.ack)
    gateway.register_action("alert.answer", actions.answer)
    gateway.register_automation(ack_automation(config), source=DOMAIN)
    gateway.data[DOMAIN] = service
