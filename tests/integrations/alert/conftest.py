"""Fixtures: a started gateway with the real alert integration and two recording channels."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from alert_setup import write_alert_config

StartAlerts = Callable[..., Awaitable[Any]]


@pytest.fixture
def alert_dir(tmp_path: Path) -> Path:
    """The configuration directory the alert tests write into."""
    return tmp_path / "config"


@pytest.fixture
def start_alerts(make_gateway: Callable[..., Awaitable[Any]], alert_dir: Path) -> StartAlerts:
    """start_alerts(alert_section="", automations=...) -> a running gateway (stopped after the test)."""

    async def start(alert_section: str = "", **kwargs: Any) -> Any:
        if alert_section or not (alert_dir / "configuration.yaml").exists():
            write_alert_config(alert_dir, alert_section, **kwargs)
        gateway = await make_gateway(alert_dir, builtins=True)
        assert not gateway.config_errors, gateway.config_errors
        assert gateway.integrations["alert"].status == "loaded", gateway.integrations["alert"].reason
        return gateway

    return start
