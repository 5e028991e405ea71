"""When schedule triggers fire: cron and at name times of the machine's time zone, through its clock changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

import pytest

from core.automation.triggers import next_fire


def _local(*args: int) -> float:
    return datetime(*args).timestamp()


def test_next_fire_cron() -> None:
    now = _local(2024, 5, 6, 10, 2, 30)
    assert next_fire({"cron": "*/5 * * * *"}, now) == _local(2024, 5, 6, 10, 5)
    assert next_fire({"cron": "0 8 * * *"}, now) == _local(2024, 5, 7, 8, 0)


def test_next_fire_at_today_and_tomorrow() -> None:
    config = {"at": [dtime(8, 30), dtime(18, 0)]}
    assert next_fire(config, _local(2024, 5, 6, 7, 0)) == _local(2024, 5, 6, 8, 30)
    assert next_fire(config, _local(2024, 5, 6, 9, 0)) == _local(2024, 5, 6, 18, 0)
    assert next_fire(config, _local(2024, 5, 6, 18, 0)) == _local(2024, 5, 7, 8, 30)
    assert next_fire(config, _local(2024, 5, 6, 23, 59)) == _local(2024, 5, 7, 8, 30)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], ZoneInfo]]:
    """zone(name): this process's local time zone is name until the test ends."""
    def use(name: str) -> ZoneInfo:
        monkeypatch.setenv("TZ", name)
        time.tzset()
        return ZoneInfo(name)
    yield use
    monkeypatch.undo()
    time.tzset()


def test_next_fire_at_across_a_daylight_saving_change(zone) -> None:
    zone("Europe/Berlin")
    # 31 March 2024: clocks go from 02:00 to 03:00; the next 08:30 is 23 hours away.
    after = next_fire({"at": [dtime(8, 30)]}, _local(2024, 3, 30, 9, 0))
    assert datetime.fromtimestamp(after) == datetime(2024, 3, 31, 8, 30)


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_cron_names_times_of_the_machine_s_time_zone(zone, name: str) -> None:
    here = zone(name)
    now = datetime(2026, 12, 5, 20, 0, tzinfo=here).timestamp()
    assert next_fire({"cron": "0 8 * * *"}, now) == datetime(2026, 12, 6, 8, 0, tzinfo=here).timestamp()
    assert next_fire({"cron": "30 21 * * 1-5"}, now) == datetime(2026, 12, 7, 21, 30, tzinfo=here).timestamp()


def test_cron_and_at_when_the_clocks_change(zone) -> None:
    berlin = zone("Europe/Berlin")

    def fires(expression: str, start: datetime, count: int) -> list[str]:
        config = {"at": [dtime.fromisoformat(expression)]} if ":" in expression else {"cron": expression}
        at, times = start.timestamp(), []
        for _ in range(count):
            at = next_fire(config, at)
            times.append(datetime.fromtimestamp(at, berlin).strftime("%d %H:%M%z"))
        return times

    # 28 March 2027: 02:00 becomes 03:00, so 02:30 does not occur: the daily run goes as the clocks jump.
    for daily in ("30 2 * * *", "02:30"):
        assert fires(daily, datetime(2027, 3, 27, 3, 0, tzinfo=berlin), 3) == [
            "28 03:00+0200", "29 02:30+0200", "30 02:30+0200"], daily
    # 31 October 2027: 03:00 becomes 02:00, so 02:00-03:00 occurs twice: each time in it fires once.
    for daily in ("30 2 * * *", "02:30"):
        assert fires(daily, datetime(2027, 10, 30, 3, 0, tzinfo=berlin), 2) == ["31 02:30+0200", "01 02:30+0100"]
    assert fires("*/30 * * * *", datetime(2027, 10, 31, 1, 45, tzinfo=berlin), 4) == [
        "31 02:00+0200", "31 02:30+0200", "31 03:00+0100", "31 03:30+0100"]
    # Started in the second pass of that hour: its times already came in the first.
    second_pass = datetime(2027, 10, 31, 2, 10, tzinfo=berlin, fold=1)
    assert fires("30 2 * * *", second_pass, 1) == fires("02:30", second_pass, 1) == ["01 02:30+0100"]
