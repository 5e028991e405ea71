"""Templates: a sandbox without dunder access, native single expressions, located syntax errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.automation.templates import Template, TemplateError, compile_value, render_value
from core.errors import ConfigError
from core.yaml_loader import load_yaml

VARS = {"trigger": {"text": "hi", "match": {"n": "7"}, "args": ["a", "b"]}, "count": 3}


def test_static_text_skips_jinja() -> None:
    template = Template("just text, no markup")
    assert template.is_static
    assert template.render(VARS) == "just text, no markup"
    assert template.render_native(VARS) == "just text, no markup"


def test_render_to_string() -> None:
    assert Template("{{ trigger.text }} x{{ count }}").render(VARS) == "hi x3"
    assert Template("{% for a in trigger.args %}[{{ a }}]{% endfor %}").render(VARS) == "[a][b]"


def test_native_rendering_keeps_types() -> None:
    assert Template("{{ count + 1 }}").render_native(VARS) == 4
    assert Template("{{ trigger.match }}").render_native(VARS) == {"n": "7"}
    assert Template("  {{ trigger.args }}  ").render_native(VARS) == ["a", "b"]
    assert Template("{{ count > 2 }}").render_native(VARS) is True
    assert Template("{{ nothing_here }}").render_native(VARS) is None
    # more than one expression, or text around it: a string
    assert Template("{{ count }}{{ count }}").render_native(VARS) == "33"
    assert Template("n={{ count }}").render_native(VARS) == "n=3"


def test_compile_and_render_structures() -> None:
    compiled = compile_value({"a": "{{ count * 2 }}", "b": ["x", "{{ trigger.text }}"], "c": 5})
    assert render_value(compiled, VARS) == {"a": 6, "b": ["x", "hi"], "c": 5}


@pytest.mark.parametrize("source", [
    "{{ trigger.__class__ }}",
    "{{ trigger.text.__class__.__mro__ }}",
    "{{ ''.__class__.__base__.__subclasses__() }}",
    "{{ count.__add__(1) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ trigger.args.append('x') }}",
])
def test_sandbox_blocks_unsafe_access(source: str) -> None:
    variables = {"trigger": {"text": "hi", "args": ["a"]}, "count": 3}
    try:
        rendered = Template(source).render(variables)
    except TemplateError:
        rendered = ""
    assert "class" not in rendered and "object" not in rendered and "function" not in rendered
    assert "4" not in rendered
    assert variables["trigger"]["args"] == ["a"]  # the immutable sandbox refuses to mutate


def test_sandbox_error_is_a_template_error() -> None:
    with pytest.raises(TemplateError) as excinfo:
        Template("{{ ''.__class__.__base__.__subclasses__() }}").render({})
    assert "failed" in str(excinfo.value)


def test_runtime_error_is_a_template_error() -> None:
    with pytest.raises(TemplateError):
        Template("{{ 1 / 0 }}").render({})
    with pytest.raises(TemplateError):
        Template("{{ 1 / 0 }}").render_native({})


def test_syntax_error_is_config_error_with_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as excinfo:
        Template("{{ broken( }}", file="x.yaml", line=12)
    assert (excinfo.value.file, excinfo.value.line) == ("x.yaml", 12)
    assert "template syntax error" in excinfo.value.message

    path = tmp_path / "b.yaml"
    path.write_text("first: ok\nsecond: '{% if %}'\n", encoding="utf-8")
    node = load_yaml(path)["second"]
    with pytest.raises(ConfigError) as excinfo:
        Template(node)
    assert excinfo.value.file == str(path) and excinfo.value.line == 2


async def test_template_syntax_error_in_automation_is_located(start_gateway) -> None:
    h = await start_gateway(
        """
        automations:
          - id: good
            triggers: [{trigger: message, command: good}]
            actions: [{reply: fine}]
          - id: bad
            triggers: [{trigger: message, command: bad}]
            actions:
              - reply: "{{ trigger.text | }}"
        """,
        expect_errors=True,
    )
    (error,) = [e for e in h.gateway.config_errors if "template syntax error" in str(e)]
    assert error.line == 9 and error.file.endswith("configuration.yaml")
    assert "good" in h.engine.automations and "bad" not in h.engine.automations
