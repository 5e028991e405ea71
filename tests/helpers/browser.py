"""A real headless Chromium driven by selenium, for pages Roost serves; skips with the reason when there is none."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
WAIT = 10.0


class Browser:
    """One Chromium; every call runs in a thread so the gateway on the test's event loop keeps serving."""

    def __init__(self) -> None:
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError:
            pytest.skip("selenium is not installed (scripts/setup test installs it)")
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        driver = shutil.which("chromedriver")
        if binary is None or driver is None:
            pytest.skip("Chromium and its driver are not installed and could not be (scripts/setup test tries"
                        " apt-get install chromium chromium-driver)")
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,1600"):
            options.add_argument(argument)
        options.binary_location = binary
        self.driver = webdriver.Chrome(options=options, service=Service(driver))

    async def do(self, step: Callable[[Any], T]) -> T:
        """Run step(driver) in a thread."""
        return await asyncio.to_thread(step, self.driver)

    async def until(self, condition: Callable[[Any], T], timeout: float = WAIT) -> T:
        """Wait (in a thread) until condition(driver) is truthy; its value."""
        from selenium.webdriver.support.ui import WebDriverWait

        return await asyncio.to_thread(lambda: WebDriverWait(self.driver, timeout).until(condition))

    def close(self) -> None:
        """Quit Chromium."""
        self.driver.quit()
