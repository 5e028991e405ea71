"""`roost model fetch URL`: a GGUF file from a file host as Hugging Face is one (a real aiohttp server on
127.0.0.1), going on where an interrupted download stopped, and keeping nothing that is not the model asked for."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.cli import main
from integrations.llama_cpp.download import download_address
from tests.fakes.file_host import FileHost

MODEL = b"GGUF\x03\x00\x00\x00" + os.urandom(1_000_000)
SHA256 = hashlib.sha256(MODEL).hexdigest()


@pytest.fixture
async def host() -> AsyncIterator[FileHost]:
    """The file host, with a model and a zip archive named as a model."""
    async with FileHost({"Bakery-Q4_K_M.gguf": MODEL, "fake.gguf": b"PK\x03\x04" + bytes(1000)}) as serving:
        yield serving


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A configuration directory."""
    directory = tmp_path / "config"
    directory.mkdir(mode=0o700)
    (directory / "configuration.yaml").write_text("automations: []\n")
    return directory


async def _fetch(config: Path, *args: str) -> int:
    return await asyncio.to_thread(main, ["model", "fetch", *args, "--config", str(config), "--quiet"])


def _kept(config: Path) -> list[str]:
    return sorted(path.name for path in (config / "models").iterdir()) if (config / "models").exists() else []


async def test_an_interrupted_download_goes_on_where_it_stopped(host: FileHost, config: Path, capsys) -> None:
    host.cut_after = 400_000
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf")) == 1
    said = capsys.readouterr().err
    assert "the download of Bakery-Q4_K_M.gguf stopped at 0.4 MB of 1.0 MB" in said
    assert "run the same command again to go on from there" in said
    assert (config / "models" / "Bakery-Q4_K_M.gguf.part").stat().st_size == 400_000
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf"), "--sha256", SHA256.upper()) == 0
    assert (config / "models" / "Bakery-Q4_K_M.gguf").read_bytes() == MODEL
    assert _kept(config) == ["Bakery-Q4_K_M.gguf"]
    assert host.requests == [("/cdn/Bakery-Q4_K_M.gguf", None), ("/cdn/Bakery-Q4_K_M.gguf", "bytes=400000-")]
    shown = capsys.readouterr().out
    assert f"Model ready: {config / 'models' / 'Bakery-Q4_K_M.gguf'} (1.0 MB, sha256 {SHA256})" in shown
    assert "  - name: bakery_q4_k_m\n    path: models/Bakery-Q4_K_M.gguf" in shown
    assert main(["model", "list", "--config", str(config)]) == 0  # no model names it yet
    assert (f"-            llama_cpp      not configured {config / 'models' / 'Bakery-Q4_K_M.gguf'}\n"
            "             add it under llama_cpp: models: to use it (path: models/Bakery-Q4_K_M.gguf)"
            ) in capsys.readouterr().out
    with (config / "configuration.yaml").open("a") as configuration:
        configuration.write("llama_cpp:\n  models:\n    - name: bakery\n      path: models/Bakery-Q4_K_M.gguf\n")
    assert main(["model", "list", "--json", "--config", str(config)]) == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == ["bakery"]  # named: no longer apart
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf")) == 0  # there: not fetched again
    assert "Bakery-Q4_K_M.gguf is already there; move it away to fetch it again" in capsys.readouterr().out
    assert len(host.requests) == 2


async def test_a_server_that_does_not_go_on_from_a_point_sends_it_all_again(host: FileHost, config: Path) -> None:
    host.cut_after = 300_000
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf")) == 1
    host.ignore_range = True
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf"), "--sha256", SHA256) == 0
    assert (config / "models" / "Bakery-Q4_K_M.gguf").read_bytes() == MODEL
    assert host.requests[-1] == ("/cdn/Bakery-Q4_K_M.gguf", "bytes=300000-")


async def test_a_part_that_is_whole_already_is_kept(host: FileHost, config: Path) -> None:
    (config / "models").mkdir()
    (config / "models" / "Bakery-Q4_K_M.gguf.part").write_bytes(MODEL)  # stopped before it was renamed
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf"), "--sha256", SHA256) == 0
    assert _kept(config) == ["Bakery-Q4_K_M.gguf"] and host.requests == [("/cdn/Bakery-Q4_K_M.gguf", "bytes=1000008-")]


@pytest.mark.parametrize(("address", "said"), [
    ("fake.gguf", "/cdn/fake.gguf is not a GGUF model file (it begins b'PK\\x03\\x04"),
    ("page", "/bakery/models/blob/main/Bakery-Q4_K_M.gguf is a web page, not a model file: on Hugging Face, give"
             " the link of the .gguf file itself"),
    ("missing.gguf", "answered HTTP 404: no file at http://127.0.0.1:"),
    ("sha256", "Bakery-Q4_K_M.gguf has the sha256 " + SHA256 + ", not " + "0" * 64 + ": it was not kept"),
    ("busy", "answered HTTP 503: try again later"),
    ("huge", "Bakery-Q4_K_M.gguf takes 1000000000.0 MB more and "),
    ("not a model", "does not name a .gguf file: give the address of the file itself"),
])
async def test_what_is_not_the_model_asked_for_is_not_kept(host: FileHost, config: Path, capsys, address: str,
                                                         said: str) -> None:
    args = {"page": [host.url("Bakery-Q4_K_M.gguf", "blob")], "sha256": [host.url("Bakery-Q4_K_M.gguf"),
            "--sha256", "0" * 64], "not a model": [host.url("Bakery-Q4_K_M.gguf").replace(".gguf", ".zip")]
            }.get(address, [host.url(address if address.endswith(".gguf") else "Bakery-Q4_K_M.gguf")])
    host.status = 503 if address == "busy" else None
    host.claimed_length = 10**15 if address == "huge" else None
    assert await _fetch(config, *args) == 1
    assert said in capsys.readouterr().err
    assert _kept(config) == []


async def test_hf_token_goes_to_hugging_face_only(host: FileHost, config: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    assert await _fetch(config, host.url("Bakery-Q4_K_M.gguf")) == 0
    assert host.authorizations == [None]


def test_a_hugging_face_file_page_is_downloaded_from_its_download_link() -> None:
    page = "https://huggingface.co/bartowski/SmolLM2-360M-Instruct-GGUF/blob/main/SmolLM2-360M-Instruct-Q4_K_M.gguf"
    assert download_address(page) == page.replace("/blob/", "/resolve/")
    assert download_address(page.replace("/blob/", "/resolve/")) == page.replace("/blob/", "/resolve/")
    elsewhere = "https://example.org/bartowski/model/blob/main/x.gguf"
    assert download_address(elsewhere) == elsewhere
