"""Hook specifications: documented, and a misspelled hook is a reported error, never ignored."""

from __future__ import annotations

import inspect
import sys

import pluggy
import pytest

from core import hookspecs
from tests.helpers import RECORDING_CHANNEL, write_integration

SPEC_ATTR = f"{hookspecs.PROJECT}_spec"


def hook_specs() -> list[tuple[str, object]]:
    return [(name, fn) for name, fn in vars(hookspecs).items() if hasattr(fn, SPEC_ATTR)]


def test_project_name_and_markers() -> None:
    assert hookspecs.PROJECT == "roost"
    assert "roost_setup" in dict(hook_specs())
    assert "roost_stop" in dict(hook_specs())


@pytest.mark.parametrize(("name", "spec"), hook_specs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_hook_has_a_docstring_and_keyword_parameters(name: str, spec: object) -> None:
    assert name.startswith("roost_")
    doc = inspect.getdoc(spec)
    assert doc and len(doc.strip()) > 20, f"hook {name} needs a docstring saying what it is for"
    for param in inspect.signature(spec).parameters.values():  # type: ignore[arg-type]
        assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


def test_every_hook_name_in_the_module_is_a_spec() -> None:
    # a function named roost_* without @hookspec would be a hook nobody can implement
    for name, value in vars(hookspecs).items():
        if name.startswith("roost_") and callable(value):
            assert hasattr(value, SPEC_ATTR), f"{name} is not marked @hookspec"


def test_check_pending_catches_a_misspelled_hookimpl() -> None:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)

    class Plugin:
        @hookspecs.hookimpl
        def roost_setpu(self, gateway, config):  # noqa: ANN001, ANN201
            return None

    manager.register(Plugin(), name="typo")
    with pytest.raises(pluggy.PluginValidationError, match="roost_setpu"):
        manager.check_pending()


MISSPELLED = """
from core.hookspecs import hookimpl

@hookimpl
def roost_setpu(gateway, config):
    gateway.data["typo_ran"] = True
"""

WRONG_ARGUMENT = """
from core.hookspecs import hookimpl

@hookimpl
def roost_setup(gateway, settings):
    gateway.data["wrong_ran"] = True
"""


async def test_misspelled_hook_in_an_integration_is_a_reported_config_error(
    make_config, make_gateway
) -> None:
    config_dir = make_config(
        "testchan:\ntypo:\nneeds_typo:\nautomations:\n  - id: ping\n    use_blueprint:\n      path: ping.yaml\n"
    )
    folder = config_dir / "integrations"
    write_integration(folder, "testchan", RECORDING_CHANNEL, kind="channel")
    init = write_integration(folder, "typo", MISSPELLED) / "__init__.py"
    write_integration(folder, "needs_typo", "", dependencies=["typo"])
    gateway = await make_gateway(config_dir)
    assert gateway.state == "running"
    [error] = gateway.config_errors
    assert error.file == str(init)
    assert error.line == 4  # the decorated definition
    assert "'roost_setpu' is not a Roost hook (did you mean 'roost_setup'?)" in str(error)
    assert gateway.integrations["typo"].status == "failed"
    assert gateway.integrations["needs_typo"].status == "skipped"
    assert gateway.plugins.get_plugin("typo") is None
    assert "typo_ran" not in gateway.data
    gateway.plugins.check_pending()  # nothing unknown is left registered
    # and the rest of the gateway works
    from core.message import Message

    assert await gateway.ingest(Message.create("test", "c1", "u", "/ping"))
    assert await gateway.data["testchan"].wait_for(1) == [("c1", "pong")]


async def test_hook_with_unknown_argument_is_a_reported_config_error(make_config, make_gateway) -> None:
    config_dir = make_config("wrong:\nfine:\n")
    folder = config_dir / "integrations"
    write_integration(folder, "wrong", WRONG_ARGUMENT)
    write_integration(folder, "fine", "")
    gateway = await make_gateway(config_dir)
    [error] = gateway.config_errors
    assert "integration 'wrong'" in str(error) and "settings" in str(error)
    assert gateway.integrations["wrong"].status == "failed"
    assert gateway.integrations["fine"].status == "loaded"
    assert "wrong_ran" not in gateway.data
    assert "roost_dropin.wrong" in sys.modules  # imported (configured), but refused
