"""The `knowledge:` config section, the manifest, and the terminal output of the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import voluptuous as vol

from integrations.knowledge.cli import format_results, format_stats
from integrations.knowledge.config import CONFIG_SCHEMA, KNOWLEDGE_SCHEMA, resolve_directory
from integrations.knowledge.index import ReindexStats
from integrations.knowledge.passages import Passage
from tests.helpers.cli import run_cli

PACKAGE = Path(__file__).resolve().parents[3] / "integrations" / "knowledge"

DEFAULTS = {"directory": "knowledge", "top_k": 3, "max_chars": 2000, "max_file_mib": 20, "watch": False,
            "watch_interval": 5.0}


def test_manifest_is_complete_and_sorted() -> None:
    text = (PACKAGE / "manifest.json").read_text()
    manifest = json.loads(text)
    assert manifest["domain"] == PACKAGE.name
    assert manifest["kind"] == "knowledge"
    for key in ("name", "version", "dependencies", "after_dependencies", "requirements",
                "documentation", "codeowners"):
        assert key in manifest
    assert list(manifest) == sorted(manifest)


@pytest.mark.parametrize("section", [None, {}])
def test_defaults(section: dict | None) -> None:
    assert KNOWLEDGE_SCHEMA(section) == DEFAULTS
    assert CONFIG_SCHEMA({"knowledge": section, "other": 1}) == {"knowledge": DEFAULTS, "other": 1}
    assert CONFIG_SCHEMA({})["knowledge"] == DEFAULTS


def test_values_are_kept() -> None:
    section = {"directory": "/srv/docs", "top_k": 5, "max_chars": 500, "watch": True, "max_file_mib": 50}
    assert KNOWLEDGE_SCHEMA(section) == {**section, "watch_interval": 5.0}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"top_k": 0}, "top_k must be between 1 and 50"),
        ({"max_chars": 10}, "max_chars must be at least 100"),
        ({"max_file_mib": 0}, "max_file_mib must be more than 0"),
        ({"directory": ""}, "directory must be a non-empty path"),
        ({"watch": "often"}, "expected bool"),
        ({"colour": "red"}, "extra keys not allowed"),
    ],
)
def test_invalid_values_name_the_problem(section: dict, message: str) -> None:
    with pytest.raises(vol.Invalid) as info:
        KNOWLEDGE_SCHEMA(section)
    assert message in str(info.value)


def test_directory_is_relative_to_the_config_dir(tmp_path: Path) -> None:
    assert resolve_directory(tmp_path, {"directory": "knowledge"}) == tmp_path / "knowledge"
    assert resolve_directory(tmp_path, {"directory": "/srv/kb"}) == Path("/srv/kb")
    assert resolve_directory(tmp_path, {}) == tmp_path / "knowledge"


def test_format_results_lists_passages() -> None:
    passages = [
        Passage("rules.md", "Rules > Returns 退货政策", "Bread cannot be returned.\n\n新鲜面包不予退货。", 1.0),
        Passage("notes.txt", "", "Parking behind the shop.", 0.25),
    ]
    out = format_results(passages)
    lines = out.splitlines()
    assert lines[0] == "1. rules.md — Rules > Returns 退货政策  (score 1.000)"
    assert "   Bread cannot be returned." in lines
    assert "   新鲜面包不予退货。" in lines
    assert "2. notes.txt  (score 0.250)" in lines


def test_format_results_wraps_long_text() -> None:
    out = format_results([Passage("a.md", "T", "word " * 100, 0.5)], width=40)
    assert all(len(line) <= 40 for line in out.splitlines())


def test_format_results_rejoins_a_documents_lines_keeps_lists_and_wraps_chinese_by_columns() -> None:
    text = ("Bring it back the same day with the receipt and we\nreplace it or refund it in full.\n\n"
            "- Tuesday to Friday: 07:00–18:00\n- Closed on Mondays.\n\n"
            "新鲜面包和点心售出后不予退货；如商品有误、损坏或不新鲜，\n请当天凭小票退回，我们将为您更换或全额退款。" * 2)
    lines = format_results([Passage("rules.md", "", text, 1.0)], width=64).splitlines()[1:]
    assert lines[:2] == ["   Bring it back the same day with the receipt and we replace it",
                         "   or refund it in full."], "one paragraph, wrapped anew"
    assert lines[3:5] == ["   - Tuesday to Friday: 07:00–18:00", "   - Closed on Mondays."]
    chinese = [line for line in lines if "退" in line or "款" in line]
    assert "".join(line.strip() for line in chinese).count("不新鲜，请当天") == 2, "joined without a space"
    columns = [sum(2 if "\u4e00" <= c <= "\u9fff" or c in "；，、。" else 1 for c in line) for line in chinese]
    assert max(columns) <= 64 and min(columns[:-1]) >= 60, "filled to the width in columns, a CJK character is two"


def test_format_results_when_nothing_matches() -> None:
    assert format_results([]) == "No matching passages in the knowledge base."


def test_format_stats() -> None:
    stats = ReindexStats(added=2, updated=1, removed=0, unchanged=5, chunks=7, total_chunks=40)
    assert format_stats(stats) == (
        "Knowledge index: 2 added, 1 updated, 0 removed, 5 unchanged "
        "(7 chunks written; 8 files, 40 chunks in the index)"
    )


def test_format_stats_lists_errors() -> None:
    stats = ReindexStats(0, 0, 0, 1, 0, 1, errors=("bad.yaml:2: invalid YAML",))
    lines = format_stats(stats).splitlines()
    assert "1 file, 1 chunk in the index" in lines[0]
    assert lines[1:] == ["1 file could not be indexed:", "  - bad.yaml:2: invalid YAML"]



def test_format_stats_names_the_files_of_kinds_not_read() -> None:
    stats = ReindexStats(0, 0, 0, 1, 0, 1, errors=("bad.yaml:2: invalid YAML",), not_read=("old.ppt", "photo.jpg"))
    assert format_stats(stats).splitlines()[1:] == ["1 file could not be indexed:", "  - bad.yaml:2: invalid YAML",
                                                    "Not read, of kinds Roost does not read: old.ppt, photo.jpg"]


def test_search_refuses_an_empty_query_and_no_passages_and_says_when_answers_do_not_use_the_index(
    tmp_path: Path, capsys
) -> None:
    (tmp_path / "configuration.yaml").write_text("console:\n")
    code, out, err = run_cli(capsys, "knowledge", "search", "bread", "--config", str(tmp_path))
    assert code == 0 and out.startswith("No matching passages")
    assert "has no knowledge: section, so answers do not use this index until you add one" in err
    code, _out, err = run_cli(capsys, "knowledge", "search", "  ", "--config", str(tmp_path))
    assert code == 2 and "argument query: give words to look for" in err
    code, _out, err = run_cli(capsys, "knowledge", "search", "bread", "--top-k", "0", "--config", str(tmp_path))
    assert code == 2 and "argument --top-k: must be 1 or more" in err
    (tmp_path / "configuration.yaml").write_text("knowledge:\n")
    code, _out, err = run_cli(capsys, "knowledge", "search", "bread", "--config", str(tmp_path))
    assert code == 0 and err == ""


def test_the_largest_document_read_is_the_configured_one(tmp_path: Path, capsys) -> None:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "big.md").write_text("# Big\n\n" + "flour " * 400)  # 2.4 kB
    (tmp_path / "configuration.yaml").write_text("knowledge: {max_file_mib: 0.002}\n")  # 2,097 bytes
    code, out, _err = run_cli(capsys, "knowledge", "reindex", "--config", str(tmp_path))
    assert code == 0 and "big.md: 2407 bytes is larger than the 2097 bytes a knowledge document may have; split it" \
        " into smaller files, or raise knowledge: max_file_mib" in out
    (tmp_path / "configuration.yaml").write_text("knowledge:\n")  # 20 MiB
    code, out, _err = run_cli(capsys, "knowledge", "reindex", "--config", str(tmp_path))
    assert code == 0 and "1 added" in out
