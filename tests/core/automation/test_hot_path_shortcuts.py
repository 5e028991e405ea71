"""Shortcuts on the per-message path give exactly what the long way gives: templates."""

from __future__ import annotations

from typing import Any

import pytest

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

