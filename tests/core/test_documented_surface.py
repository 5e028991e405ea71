"""Every public Gateway method and every hook an integration can implement says what it is for."""

from __future__ import annotations

import inspect

from core import events, hookspecs
from core.gateway import Gateway


def test_every_public_gateway_method_has_a_docstring() -> None:
    undocumented = [name for name, member in inspect.getmembers(Gateway)
                    if not name.startswith("_") and callable(member) and not (member.__doc__ or "").strip()]
    assert undocumented == []


def test_every_hookspec_has_a_docstring() -> None:
    hooks = [getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("roost_")]
    assert hooks, "no hookspecs found"
    assert [hook.__name__ for hook in hooks if not (hook.__doc__ or "").strip()] == []


def test_every_core_event_is_a_documented_constant() -> None:
    names = [name for name in dir(events) if name.isupper()]
    assert len(names) >= 10
    source = inspect.getsource(events)
    for name in names:
        value = getattr(events, name)
        assert value == name.lower(), name
        assert f'{name} = "{value}"\n"""' in source, f"{name} has no docstring"
