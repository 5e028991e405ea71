"""System checks from a chat: log anomaly reports (/check_logs 30m) and machine status."""

from __future__ import annotations

import logging
from typing import Any

import voluptuous as vol

from core.hookspecs import hookimpl
from integrations.system_check.actions import SystemCheck, existing_sources

DOMAIN = "system_check"
_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = vol.Schema(vol.All(lambda v: {} if v is None else v, {
    vol.Optional("sources", default=["/var/log/syslog", "/var/log/*.log", "/var/log/nginx/*.log"]): [str],
    vol.Optional("journal", default="auto"): vol.Any(bool, vol.In(["auto"])),
    vol.Optional("default_window", default="30m"): vol.Coerce(str),
    vol.Optional("baseline_windows", default=4): vol.All(int, vol.Range(min=1, max=24)),
    vol.Optional("disk_warn_percent", default=90): vol.All(vol.Coerce(float), vol.Range(min=1, max=100)),
    vol.Optional("timeout", default=60): vol.All(vol.Coerce(float), vol.Range(min=1)),
    vol.Optional("groups", default=["adm", "systemd-journal"]): [str],
    vol.Optional("python"): str,
}))


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> None:
    """Register system_check.analyze_logs and system_check.status."""
    check = SystemCheck(config, gateway.scrub, gateway.sandbox.isolation)
    gateway.data[DOMAIN] = check
    gateway.register_action("system_check.analyze_logs", check.analyze_logs)
    gateway.register_action("system_check.status", check.status)
    found = existing_sources(config["sources"])
    _LOGGER.info("system_check: %d of %d log sources exist now", len(found), len(config["sources"]))
