"""Reloading the automations while Roost runs: what changed takes over, what did not stays, a broken file changes nothing."""

from __future__ import annotations

import asyncio
import logging
import subprocess
from pathlib import Path

from core.message import Message
from core.reload import STATE_DOMAIN, STATE_KEY, reload_automations
from tests.core.test_gateway import gateway_config
from tests.helpers.cli import holding_the_lock, running_roost
from tests.helpers.configdir import ROOST

GONE = """\
- id: gone
  triggers: [{trigger: message, command: gone}]
  actions:
    - delay: "{{ trigger.args[0] | default(0) }}"
    - reply: "still here"
"""
BEFORE = """\
- id: echo
  triggers: [{trigger: message, command: echo}]
  actions: [{reply: "echo {{ trigger.args_text }}"}]
- id: keep
  triggers: [{trigger: message, command: keep}]
  actions: [{reply: "kept"}]
""" + GONE + """\
- id: slow
  triggers: [{trigger: message, command: slow}]
  actions:
    - delay: "{{ trigger.args[0] }}"
    - reply: "slow as it was"
"""
AFTER = """\
- id: hours
  triggers: [{trigger: message, command: hours}]
  actions: [{reply: "open 7 to 18"}]
""" + BEFORE.replace(GONE, "").replace('"echo {{', '"ECHO {{').replace("slow as it was", "slow as it is now")
"""An automation added, two changed, one removed, one as it was."""


def message(text: str) -> Message:
    return Message.create("test", "c1", "alice", text)


def rewrite(directory: Path, automations: str, roost: str = "") -> None:
    """configuration.yaml as gateway_config writes it, with other automations (and roost: settings)."""
    old = (directory / "configuration.yaml").read_text()
    head = old[old.index("testchan:"):old.index("automations:")]
    text = (f"roost:\n  {roost}\n" if roost else "") + head + "automations:\n"
    (directory / "configuration.yaml").write_text(text + "".join(f"  {line}\n" for line in automations.splitlines()))


async def answers(gateway, *texts: str) -> list[str]:
    """What Roost replies to each text, in turn."""
    channel = gateway.data["testchan"]
    replies = []
    for text in texts:
        await gateway.ingest(message(text))
        replies.append((await channel.wait_for(len(channel.sent) + 1))[-1][1])
    return replies


async def test_a_reload_adds_changes_and_removes_automations_and_leaves_the_unchanged_as_they_are(
        make_config, make_gateway, caplog) -> None:
    directory = gateway_config(make_config, BEFORE)
    gateway = await make_gateway(directory)
    kept = gateway.engine.automations["keep"]
    assert await answers(gateway, "/echo hi", "/gone") == ["echo hi", "still here"]
    rewrite(directory, AFTER)
    caplog.set_level(logging.INFO, "core.reload")
    outcome = await reload_automations(gateway)
    changes = outcome.changes
    assert changes is not None and outcome.errors == [] and outcome.restart_for == []
    assert (changes.added, changes.changed, changes.removed, changes.unchanged) == (["hours"], ["echo", "slow"],
                                                                                   ["gone"], 1)
    assert gateway.engine.automations["keep"] is kept  # not compiled anew, not detached
    assert list(gateway.engine.automations) == ["hours", "echo", "keep", "slow"]  # the file's order
    assert await answers(gateway, "/echo hi", "/hours", "/keep") == ["ECHO hi", "open 7 to 18", "kept"]
    await gateway.ingest(message("/gone"))
    await gateway.wait_idle()
    assert gateway.data["testchan"].sent[-1][1] == "kept"  # nothing answers /gone any more
    assert "Automations reloaded: added hours; changed echo, slow; removed gone (1 unchanged)" in caplog.messages
    stored = await gateway.storage(STATE_DOMAIN).get(STATE_KEY)
    assert stored["changes"]["added"] == ["hours"] and stored["finished"] == outcome.finished


async def test_a_run_under_way_ends_as_it_began_and_one_waiting_runs_as_its_automation_is_now(make_config,
                                                                                                make_gateway) -> None:
    directory = gateway_config(make_config, BEFORE)
    gateway = await make_gateway(directory)
    started: list[str] = []
    gateway.bus.listen("automation_triggered", lambda event: started.append(event.data["automation_id"]))
    for text in ("/slow 0.3", "/slow 0", "/gone 0.3", "/gone 0"):  # the second of each waits for the first
        await gateway.ingest(message(text))
    async with asyncio.timeout(5):
        while len(started) < 4:
            await asyncio.sleep(0.01)
    rewrite(directory, AFTER)
    assert (await reload_automations(gateway)).changes is not None
    sent = await gateway.data["testchan"].wait_for(3)
    await gateway.wait_idle()
    assert sorted(text for _, text in sent) == ["slow as it is now", "slow as it was", "still here"]
    [letter] = await gateway.store.dead.list()
    assert letter.reason == "permanent error: the automation of this run no longer exists"


async def test_a_broken_configuration_leaves_the_running_automations_and_says_where(make_config, make_gateway,
                                                                                  caplog) -> None:
    directory = gateway_config(make_config, BEFORE)
    gateway = await make_gateway(directory)
    running = dict(gateway.engine.automations)
    rewrite(directory, AFTER.replace("- reply: \"slow as it is now\"", "- replyy: \"slow\"")
            .replace("id: keep", "id: echo"))
    outcome = await reload_automations(gateway)
    assert outcome.changes is None
    assert len(outcome.errors) == 2, outcome.errors
    file = str(directory / "configuration.yaml")
    assert any(e.startswith(f"{file}:") and "automation id 'echo' is used twice" in e for e in outcome.errors)
    assert any(e.startswith(f"{file}:") and "replyy (did you mean 'reply'?)" in e for e in outcome.errors)
    assert gateway.engine.automations == running
    assert await answers(gateway, "/echo hi", "/gone") == ["echo hi", "still here"]
    assert "Automations not reloaded: 2 error(s); the running ones stay as they were" in caplog.messages
    (directory / "configuration.yaml").write_text("automations: [unclosed\n")
    outcome = await reload_automations(gateway)
    assert outcome.changes is None and outcome.errors[0].startswith(f"{file}:")
    assert gateway.engine.automations == running


async def test_an_automation_that_outranks_the_others_stops_runs_being_leased_ahead(make_config, make_gateway) -> None:
    directory = gateway_config(make_config, BEFORE)
    gateway = await make_gateway(directory)
    scheduler = gateway.pipeline.scheduler
    assert scheduler.lease_ahead_floor == 0  # every run has priority 0: leasing ahead cannot let one overtake
    rewrite(directory, BEFORE + "- {id: urgent, priority: 5, triggers: [{trigger: message, command: urgent}],"
                                " actions: [{reply: now}]}\n")
    assert (await reload_automations(gateway)).changes is not None
    assert scheduler.lease_ahead_floor is None
    assert await answers(gateway, "/urgent") == ["now"]


async def test_other_sections_that_changed_wait_for_the_next_start(make_config, make_gateway) -> None:
    directory = gateway_config(make_config, BEFORE, roost="name: Home\n")
    gateway = await make_gateway(directory)
    rewrite(directory, BEFORE, roost="name: Cabin")
    outcome = await reload_automations(gateway)
    assert outcome.changes is not None and outcome.changes.unchanged == 4
    assert outcome.restart_for == ["roost"]
    assert gateway.config.core["name"] == "Home"
    assert outcome.lines()[-1][1].startswith("Changes to roost take effect at the next start")


def test_roost_reload_tells_the_running_roost_and_prints_its_outcome(tmp_path: Path) -> None:
    directory = tmp_path / "config"
    directory.mkdir()
    text = "console: {read_stdin: never}\nautomations:\n"
    (directory / "configuration.yaml").write_text(text + "".join(f"  {line}\n" for line in BEFORE.splitlines()))

    def roost(*argv: str, given: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ROOST), *argv, "--config", str(directory)], capture_output=True, text=True,
                              input=given, timeout=60)

    with running_roost(directory) as server:
        (directory / "configuration.yaml").write_text(
            text + "".join(f"  {line}\n" for line in AFTER.splitlines()))
        checked = roost("check")
        assert checked.returncode == 0 and checked.stdout.splitlines()[-1].startswith(
            f"Roost (pid {server.pid}) runs on it: `roost reload` gives it these automations")
        done = roost("reload")
        assert (done.returncode, done.stdout, done.stderr) == (
            0, "Automations reloaded: added hours; changed echo, slow; removed gone (1 unchanged)\n", "")
        assert roost("chat", given="/echo hi\n/hours\n").stdout == "ECHO hi\nopen 7 to 18\n"
        (directory / "configuration.yaml").write_text(text + "  - id: broken\n    triggers: []\n")
        broken = roost("reload")
        assert broken.returncode == 1 and broken.stdout == ""
        assert broken.stderr.splitlines()[-1] == ("Automations not reloaded: 2 error(s); the running ones stay"
                                                  " as they were")
        assert broken.stderr.startswith(f"{directory / 'configuration.yaml'}:")
        assert roost("chat", given="/echo still\n").stdout == "ECHO still\n"
        assert server.poll() is None
    stopped = roost("reload")
    assert stopped.returncode == 1 and stopped.stderr.startswith(f"roost reload: no Roost is running on {directory}")


def test_roost_reload_leaves_a_process_that_would_not_take_the_signal_alone(tmp_path: Path) -> None:
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "configuration.yaml").write_text("automations: []\n")
    with holding_the_lock(directory) as holder:  # as a Roost from before `roost reload` holds its configuration
        refused = subprocess.run([str(ROOST), "reload", "--config", str(directory)], capture_output=True, text=True,
                                 timeout=60)
        assert refused.returncode == 1
        assert refused.stderr.startswith(f"roost reload: Roost (pid {holder.pid}) does not take reload requests")
        assert holder.poll() is None  # SIGUSR1 unhandled would have ended it


async def test_log_levels_change_at_once_and_the_rest_of_the_roost_section_waits(make_config, make_gateway) -> None:
    directory = gateway_config(make_config, BEFORE, roost="log_levels: {\"testchan\": warning}\n")
    gateway = await make_gateway(directory)
    channel = logging.getLogger(gateway.discovery.integrations["testchan"].module)
    root, pipeline = logging.getLogger(), logging.getLogger("core.pipeline")
    before = root.level
    channel.setLevel(logging.WARNING)  # as `roost run` set it at start
    try:
        rewrite(directory, BEFORE, roost="log_level: debug\n  log_levels: {core.pipeline: error}")
        outcome = await reload_automations(gateway)
        assert (root.level, pipeline.level, channel.level) == (logging.DEBUG, logging.ERROR, logging.NOTSET)
        assert outcome.restart_for == [] and outcome.changes is not None
        assert (logging.INFO, "Log levels now: log_level debug; core.pipeline error; testchan as the rest") \
            in outcome.lines()
        rewrite(directory, BEFORE, roost="log_level: debug\n  name: Cabin")
        outcome = await reload_automations(gateway)
        assert outcome.log_levels == ["core.pipeline as the rest"] and pipeline.level == logging.NOTSET
        assert outcome.restart_for == ["roost"], "a name waits for the next start"
    finally:
        root.setLevel(before)
        pipeline.setLevel(logging.NOTSET)
        channel.setLevel(logging.NOTSET)
