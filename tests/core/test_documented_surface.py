"""Every public Gateway method and every hook an integration can implement says what it is for."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from core import events, hookspecs
from core.gateway import Gateway

REPO = Path(__file__).resolve().parents[2]


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


def documented_gateway_surface() -> set[str]:
    """Public Gateway methods and properties, and the attributes __init__ documents with a docstring."""
    tree = ast.parse(inspect.getsource(Gateway))
    cls = tree.body[0]
    assert isinstance(cls, ast.ClassDef)
    names = {node.name for node in cls.body
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")}
    init = next(node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "__init__")
    for assignment, following in zip(init.body, init.body[1:], strict=False):
        target = getattr(assignment, "target", None) or (assignment.targets[0] if isinstance(assignment, ast.Assign) else None)
        documented = isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) \
            and isinstance(following.value.value, str)
        if isinstance(target, ast.Attribute) and documented and not target.attr.startswith("_"):
            names.add(target.attr)
    return names


def test_integrations_use_only_the_documented_gateway_surface() -> None:
    surface = documented_gateway_surface()
    used: dict[str, set[str]] = {}
    for path in sorted((REPO / "integrations").rglob("*.py")):
        for name in re.findall(r"\bgateway\.([A-Za-z_]\w*)", path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(REPO)))
    assert used, "no integration uses the gateway: the scan is broken"
    outside = {name: sorted(paths) for name, paths in used.items() if name not in surface}
    assert outside == {}, f"integrations reach past the documented Gateway surface: {outside}"
