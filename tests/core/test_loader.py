"""Finding integrations (built-in, drop-in, installed package), importing only what is configured,
and ordering them by dependency."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.loader import ENTRY_POINT_GROUP, discover, resolve_order
from core.manifest import Manifest
from tests.helpers import RECORDING_CHANNEL, forget_modules, write_dist_info, write_integration

# An integration whose setup registers an action, so a test can see that it ran.
REGISTERS_ACTION = '''
import json
from pathlib import Path

from core.hookspecs import hookimpl

DOMAIN = json.loads((Path(__file__).parent / "manifest.json").read_text())["domain"]

async def _hello(ctx, data):
    return "hello from " + __name__

@hookimpl
def roost_setup(gateway, config):
    gateway.register_action(DOMAIN + ".hello", _hello)
'''

# Importing this module would leave a trace: discovery must never do it.
LEAVES_A_MARK = '''
import os
from pathlib import Path

Path(os.environ["ROOST_TEST_IMPORT_MARK"]).write_text(__name__)
''' + REGISTERS_ACTION

PACKAGE = "roost_ext_weather"


@pytest.fixture
def import_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    mark = tmp_path / "imported.txt"
    monkeypatch.setenv("ROOST_TEST_IMPORT_MARK", str(mark))
    return mark


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary site-packages on sys.path holding one installed community integration."""
    folder = tmp_path / "site"
    folder.mkdir()
    write_integration(folder, PACKAGE, LEAVES_A_MARK, domain="weather", name="Weather", kind="action")
    write_dist_info(folder, "roost_ext_weather", "1.4.0", {ENTRY_POINT_GROUP: {"weather": PACKAGE}})
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    forget_modules(PACKAGE)


# -- discovery ----------------------------------------------------------------------------------


def test_drop_in_folder_is_discovered_without_importing_it(
    make_config, no_builtins: Path, import_mark: Path
) -> None:
    config_dir = make_config("hello:\n")
    write_integration(config_dir / "integrations", "hello", LEAVES_A_MARK, kind="action")
    found = discover(config_dir, builtins=no_builtins)
    assert found.errors == []
    manifest = found.integrations["hello"]
    assert (manifest.source, manifest.module, manifest.version) == ("config", "roost_dropin.hello", "1.0.0")
    assert manifest.path == config_dir / "integrations" / "hello"
    assert not import_mark.exists()
    assert "roost_dropin.hello" not in sys.modules


def test_drop_in_problems_are_collected_not_raised(make_config, no_builtins: Path) -> None:
    config_dir = make_config("console:\n")
    folder = config_dir / "integrations"
    write_integration(folder, "good")
    write_integration(folder, "wrong_name", domain="other_name")
    write_integration(folder, "no_version", version=None)
    (folder / "code_only").mkdir()
    (folder / "code_only" / "__init__.py").write_text("")
    (folder / "notes").mkdir()  # neither code nor manifest: not an integration, no complaint
    (folder / "__pycache__").mkdir()
    found = discover(config_dir, builtins=no_builtins)
    assert sorted(found.integrations) == ["good"]
    problems = sorted(str(e) for e in found.errors)
    assert len(problems) == 3
    assert any("code_only" in p and "has no manifest.json" in p for p in problems)
    assert any("no_version" in p and "'version' is required" in p for p in problems)
    assert any("wrong_name" in p and "must be equal" in p for p in problems)


def test_drop_in_overrides_a_built_in_with_a_warning(
    make_config, caplog: pytest.LogCaptureFixture
) -> None:
    config_dir = make_config("console:\n")
    write_integration(config_dir / "integrations", "console", RECORDING_CHANNEL, kind="channel")
    with caplog.at_level(logging.WARNING, logger="core.loader"):
        found = discover(config_dir)  # the real built-ins, which include console
    assert found.integrations["console"].source == "config"
    assert [m.source for m in found.overridden["console"]] == ["builtin"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "'console' from config" in warnings[0].getMessage()
    assert "overrides the builtin one" in warnings[0].getMessage()


async def test_the_overriding_drop_in_is_the_one_set_up(make_config, make_gateway) -> None:
    config_dir = make_config("console:\n  platform: dropped\n")
    write_integration(config_dir / "integrations", "console", RECORDING_CHANNEL, kind="channel")
    gateway = await make_gateway(config_dir, builtins=True)
    assert gateway.integrations["console"].status == "loaded"
    assert gateway.integrations["console"].manifest.source == "config"
    assert list(gateway.channels) == ["dropped"]
    assert "roost_dropin.console" in sys.modules


def test_entry_point_package_is_discovered_without_importing_it(
    site: Path, no_builtins: Path, import_mark: Path
) -> None:
    found = discover(None, builtins=no_builtins)
    assert found.errors == []
    manifest = found.integrations["weather"]
    assert (manifest.source, manifest.module, manifest.version) == ("package", PACKAGE, "1.0.0")
    assert manifest.path == site / PACKAGE
    assert PACKAGE not in sys.modules
    assert not import_mark.exists()


async def test_configured_entry_point_package_is_imported_and_set_up(
    site: Path, make_config, make_gateway, import_mark: Path
) -> None:
    gateway = await make_gateway(make_config("weather:\n"))
    assert gateway.config_errors == []
    assert gateway.integrations["weather"].status == "loaded"
    assert import_mark.read_text() == PACKAGE
    assert await gateway.actions["weather.hello"](None, {}) == f"hello from {PACKAGE}"


async def test_unconfigured_integrations_are_never_imported(
    site: Path, make_config, make_gateway, import_mark: Path
) -> None:
    config_dir = make_config("alpha:\n")
    folder = config_dir / "integrations"
    write_integration(folder, "alpha", REGISTERS_ACTION, dependencies=["gamma"])
    write_integration(folder, "beta", LEAVES_A_MARK)
    write_integration(folder, "gamma", REGISTERS_ACTION)
    gateway = await make_gateway(config_dir)
    assert gateway.config_errors == []
    assert sorted(gateway.integrations) == ["alpha", "gamma"]  # gamma: a dependency of alpha
    assert {"roost_dropin.alpha", "roost_dropin.gamma"} <= set(sys.modules)
    assert "roost_dropin.beta" not in sys.modules
    assert PACKAGE not in sys.modules
    assert not import_mark.exists()
    assert sorted(gateway.actions) == ["alpha.hello", "gamma.hello", "roost.backup", "roost.forget_conversation"]


def test_entry_point_to_a_missing_package_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_builtins: Path
) -> None:
    write_dist_info(tmp_path, "roost_ext_ghost", "0.1", {ENTRY_POINT_GROUP: {"ghost": "roost_ext_ghost_pkg"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover(None, builtins=no_builtins)
    assert "ghost" not in found.integrations
    [error] = found.errors
    assert "entry point 'ghost = roost_ext_ghost_pkg'" in str(error)
    assert "not found" in str(error)


def test_entry_point_name_must_match_the_manifest_domain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_builtins: Path
) -> None:
    write_integration(tmp_path, "roost_ext_named", domain="named")
    write_dist_info(tmp_path, "roost_ext_named", "0.1", {ENTRY_POINT_GROUP: {"other": "roost_ext_named"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover(None, builtins=no_builtins)
    assert found.integrations == {}
    assert "'domain' is 'named' but the integration is named 'other'" in str(found.errors[0])


def test_entry_point_value_may_name_an_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_builtins: Path
) -> None:
    write_integration(tmp_path, "roost_ext_obj", domain="obj")
    write_dist_info(tmp_path, "roost_ext_obj", "0.1", {ENTRY_POINT_GROUP: {"obj": "roost_ext_obj:setup"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover(None, builtins=no_builtins)
    assert found.errors == []
    assert found.integrations["obj"].module == "roost_ext_obj"


def test_precedence_is_built_in_then_package_then_drop_in(
    site: Path, tmp_path: Path, make_config, caplog: pytest.LogCaptureFixture
) -> None:
    builtins = tmp_path / "builtins"
    write_integration(builtins, "weather", version=None)
    config_dir = make_config("weather:\n")
    found = discover(None, builtins=builtins)
    assert found.integrations["weather"].source == "package"
    with caplog.at_level(logging.WARNING, logger="core.loader"):
        found = discover(config_dir, builtins=builtins)
    write_integration(config_dir / "integrations", "weather")
    with caplog.at_level(logging.WARNING, logger="core.loader"):
        found = discover(config_dir, builtins=builtins)
    assert found.integrations["weather"].source == "config"
    assert [m.source for m in found.overridden["weather"]] == ["builtin", "package"]


# -- dependency order ---------------------------------------------------------------------------


def manifest(domain: str, deps: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> Manifest:
    return Manifest(domain=domain, name=domain, kind="other", path=Path(domain), module=domain,
                    source="builtin", dependencies=deps, after_dependencies=after)


def available(*manifests: Manifest) -> dict[str, Manifest]:
    return {m.domain: m for m in manifests}


def domains(order: list[Manifest]) -> list[str]:
    return [m.domain for m in order]


def test_dependencies_come_first_and_are_pulled_in() -> None:
    order, problems = resolve_order(
        ["app"], available(manifest("app", ("api",)), manifest("api", ("store",)), manifest("store"), manifest("x"))
    )
    assert problems == {}
    assert domains(order) == ["store", "api", "app"]


def test_diamond_dependencies_appear_once() -> None:
    order, problems = resolve_order(
        ["top", "left"],
        available(manifest("top", ("left", "right")), manifest("left", ("base",)),
                  manifest("right", ("base",)), manifest("base")),
    )
    assert problems == {}
    names = domains(order)
    assert sorted(names) == ["base", "left", "right", "top"]
    assert names.index("base") < names.index("left") < names.index("top")
    assert names.index("right") < names.index("top")


def test_after_dependencies_order_but_do_not_pull_in() -> None:
    catalog = available(manifest("alpha", after=("zeta",)), manifest("zeta"))
    order, problems = resolve_order(["alpha", "zeta"], catalog)
    assert problems == {}
    assert domains(order) == ["zeta", "alpha"]
    order, problems = resolve_order(["alpha"], catalog)
    assert problems == {}
    assert domains(order) == ["alpha"]


def test_after_dependency_that_cannot_load_does_not_block() -> None:
    order, problems = resolve_order(
        ["alpha", "zeta"], available(manifest("alpha", after=("zeta",)), manifest("zeta", ("missing",)))
    )
    assert domains(order) == ["alpha"]
    assert set(problems) == {"zeta", "missing"}


def test_missing_dependency_is_a_clear_problem_and_others_load() -> None:
    order, problems = resolve_order(
        ["chan", "other"], available(manifest("chan", ("store",)), manifest("other"))
    )
    assert domains(order) == ["other"]
    assert problems == {
        "store": "integration 'store' was not found",
        "chan": "depends on 'store', which is not available",
    }


def test_cycle_is_named_and_its_dependants_fail_too() -> None:
    order, problems = resolve_order(
        ["a", "c", "d"],
        available(manifest("a", ("b",)), manifest("b", ("a",)), manifest("c", ("a",)), manifest("d")),
    )
    assert domains(order) == ["d"]
    assert problems["a"] == "dependency cycle: a -> b -> a"
    assert problems["b"] == "dependency cycle: a -> b -> a"
    assert problems["c"] == "depends on 'a', which cannot be loaded"


def test_self_cycle_through_three() -> None:
    _, problems = resolve_order(
        ["x"], available(manifest("x", ("y",)), manifest("y", ("z",)), manifest("z", ("x",)))
    )
    assert set(problems) == {"x", "y", "z"}
    assert all(reason.startswith("dependency cycle: ") for reason in problems.values())


async def test_gateway_reports_a_missing_dependency_at_the_config_line(make_config, make_gateway) -> None:
    config_dir = make_config("roost:\n  name: x\nchan:\nother:\n")
    folder = config_dir / "integrations"
    write_integration(folder, "chan", REGISTERS_ACTION, dependencies=["store"])
    write_integration(folder, "other", REGISTERS_ACTION)
    gateway = await make_gateway(config_dir)
    errors = [str(e) for e in gateway.config_errors]
    assert f"{config_dir / 'configuration.yaml'}:3: integration 'chan': depends on 'store', which is not available" in errors
    assert gateway.integrations["chan"].status == "skipped"
    assert gateway.integrations["other"].status == "loaded"
    assert "roost_dropin.chan" not in sys.modules


async def test_setup_follows_dependency_order(make_config, make_gateway) -> None:
    records = '''
from core.hookspecs import hookimpl
import asyncio

@hookimpl
async def roost_setup(gateway, config):
    name = __name__.rsplit(".", 1)[-1]
    gateway.data.setdefault("order", []).append(name + ":start")
    await asyncio.sleep(0.02 if name == "base" else 0)
    gateway.data["order"].append(name + ":done")

@hookimpl
def roost_stop(gateway):
    gateway.data.setdefault("stopped", []).append(__name__.rsplit(".", 1)[-1])
'''
    config_dir = make_config("app:\nlate:\n")
    folder = config_dir / "integrations"
    write_integration(folder, "app", records, dependencies=["base"])
    write_integration(folder, "base", records)
    write_integration(folder, "late", records, after_dependencies=["app"])
    gateway = await make_gateway(config_dir)
    order = gateway.data["order"]
    assert order.index("base:done") < order.index("app:start") < order.index("app:done") < order.index("late:start")
    await gateway.stop()
    assert gateway.data["stopped"] == ["late", "app", "base"]


async def test_a_syntax_error_in_a_drop_in_is_a_located_error(make_config, make_gateway) -> None:
    from tests.helpers import write_integration

    config_dir = make_config("broken: {}\n")
    write_integration(config_dir / "integrations", "broken", "def roost_setup(gateway, config)\n    pass\n")
    gateway = await make_gateway(config_dir)
    assert gateway.integrations["broken"].status == "failed"
    [error] = [e for e in gateway.config_errors if "broken" in str(e)]
    assert error.line == 1 and (error.file or "").endswith("__init__.py") and "expected ':'" in error.message
