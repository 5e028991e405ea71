"""Shortcuts on the per-message path give exactly what the long way gives: templates and run ids."""

from __future__ import annotations

import os
from typing import Any

import pytest

from core.automation.engine import RUN_IDS, RunIds
from core.automation.templates import Template


class Obj:
    """Not a dict: attribute lookups on it are left to jinja."""

    text = "attr"

    def __str__(self) -> str:
        return "an object"


VARIABLES: dict[str, Any] = {
    "trigger": {"text": "hello {{ not a template }}", "idx": 3, "none": None, "items": "shadowed",
                "nested": {"deep": [1, 2]}, "obj": Obj()},
    "self": {"x": "a variable named self"},
    "n": 7,
    "obj": Obj(),
    "flag": True,
}

TEMPLATES = [
    "re: {{ trigger.text }}",
    "{{trigger.idx}} and {{ n }}!",
    "{{ trigger.none }}|{{ flag }}",
    "{{ trigger.nested.deep }}",
    "{{ trigger.nested }}",
    "{{ trigger.missing }}<",
    "{{ missing.deeper.still }}<",
    "{{ trigger.items }}",  # a dict method name: jinja finds the method first
    "{{ trigger.obj.text }}",
    "{{ obj }} / {{ obj.text }}",
    "{{ self.x }}",  # jinja's own 'self'
    "{{ range }}",  # a jinja global, not a variable
    "line one\r\nline two {{ n }}\n",
    "braces }} {{ n }}}} { {{ n }} }",
    "{{ n }}{# a comment #}",
    "{{ trigger.text | upper }}",
    "{% if flag %}yes{% endif %} {{ n }}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_the_plain_lookup_shortcut_renders_what_jinja_renders(source: str) -> None:
    template = Template(source)
    assert template._template is not None
    expected = template._template.render(VARIABLES)
    assert template.render(VARIABLES) == expected


def test_the_shortcut_is_taken_only_for_text_and_dotted_lookups() -> None:
    assert Template("re: {{ trigger.text }}")._lookups == ("re: ", ("trigger", "text"))
    for source in ("{{ trigger.items }}", "{{ self.x }}", "{{ a | upper }}", "{% if a %}x{% endif %}",
                   "{{ a['b'] }}", "{{ a.b() }}", "{{ none }}"):
        assert Template(source)._lookups is None, source


def test_run_ids_are_unique_and_shaped_like_uuid_hex() -> None:
    ids = [RUN_IDS.new() for _ in range(10_000)]
    assert len(set(ids)) == 10_000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert RunIds().new()[:16] != RunIds().new()[:16]  # each process (or reseed) takes a new prefix


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_takes_a_new_run_id_prefix() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, RUN_IDS.new().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert child[:16] != RUN_IDS.new()[:16]


async def test_without_a_store_process_the_gateway_writes_from_a_thread(
    load_setup: Any, make_gateway: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    from core.message import Message
    from core.store import process
    from core.store.writer import GroupWriter
    from tests.core.durability.conftest import wait_for

    monkeypatch.setattr(process.sys, "executable", "/nonexistent/python")
    gateway = await make_gateway(load_setup.config_dir)
    assert isinstance(gateway.store.db._writer, GroupWriter)
    assert "could not be started" in caplog.text and "from a thread" in caplog.text
    assert await gateway.ingest(Message.create("load", "c1", "u", "still durable"))
    await asyncio.to_thread(wait_for, lambda: load_setup.platform.sink_count() == 1, 10, "the reply")
