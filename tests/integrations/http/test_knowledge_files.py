"""The knowledge base's documents over HTTP and on the status page: listed with any token, added and removed with an
admin token; a document that cannot be read, or may not be added, is refused and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from integrations.knowledge import documents as knowledge_documents
from integrations.knowledge import index as knowledge_index
from tests.helpers.browser import Browser
from tests.helpers.office_files import docx, paragraph
from tests.integrations.http.conftest import ECHO

KNOWLEDGE = ECHO + "knowledge:\n  directory: knowledge\n  max_file_mib: 1\n"


async def _call(method: str, url: str, token: str, data: bytes | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        async with http.request(method, url, data=data) as answer:
            return answer.status, await answer.json()


async def test_an_admin_adds_replaces_and_removes_a_document(serve, tmp_path: Path) -> None:
    served = await serve(extra=KNOWLEDGE)
    admin, reader = await served.token("owner", admin=True), await served.token("viewer")
    folder = tmp_path / "config" / "knowledge"
    url = served.url + "/api/knowledge/documents"
    manual = docx(paragraph("Oven", "Heading1") + paragraph("Preheat the oven to 240 degrees."))
    assert await _call("PUT", url + "/oven manual.docx", admin, manual) == (
        200, {"path": "oven manual.docx", "replaced": False, "passages": 1})
    assert (folder / "oven manual.docx").read_bytes() == manual
    assert (folder / "oven manual.docx").stat().st_mode & 0o077 == 0, "readable by its owner only"
    assert [hit.path for hit in await served.gateway.data["knowledge"].index.search("preheat oven")] == [
        "oven manual.docx"]
    notes = b"# Hours\n\nOpen from seven.\n\n## Sundays\n\nFrom noon.\n"
    assert (await _call("PUT", url + "/hours.md", admin, notes))[1]["passages"] == 2
    assert (await _call("PUT", url + "/hours.md", admin, b"# Hours\n\nOpen from eight.\n"))[1] == {
        "path": "hours.md", "replaced": True, "passages": 1}
    assert await _call("GET", url, reader) == (200, {"documents": [
        {"path": "hours.md", "bytes": 26, "passages": 1},
        {"path": "oven manual.docx", "bytes": len(manual), "passages": 1}]})
    status, said = await _call("DELETE", url + "/hours.md", reader)
    assert status == 403 and "--admin" in said["error"]
    assert await _call("DELETE", url + "/hours.md", admin) == (200, {"removed": "hours.md"})
    assert not (folder / "hours.md").exists()
    assert [d["path"] for d in (await _call("GET", url, reader))[1]["documents"]] == ["oven manual.docx"]
    assert (await _call("DELETE", url + "/hours.md", admin))[0] == 404


async def test_what_may_not_be_added_is_refused_and_nothing_written(serve, tmp_path: Path) -> None:
    served = await serve(extra=KNOWLEDGE)
    admin, reader = await served.token("owner", admin=True), await served.token("viewer")
    url = served.url + "/api/knowledge/documents"
    refused = {
        "/notes.md": (reader, b"# Notes", 403, "may read, not act"),
        "/photo.jpg": (admin, b"\xff\xd8\xff", 400, "not added: photo.jpg: not a kind of document Roost reads"),
        "/.hidden.md": (admin, b"# x", 400, "not added: .hidden.md: a hidden, backup or lock file's name"),
        "/~notes.md": (admin, b"# x", 400, "not added: ~notes.md: a hidden, backup or lock file's name"),
        "/broken.docx": (admin, b"PK\x03\x04 not really", 400,
                         "not added: broken.docx: not a Word document (it is a zip archive; this is not one)"),
        "/latin.txt": (admin, "Caf\xe9".encode("latin-1"), 400, "not added: latin.txt: not UTF-8 text"),
        "/big.md": (admin, b"x" * (2**20 + 1), 413, "1048576 bytes at most"),
    }
    for name, (token, body, status, error) in refused.items():
        answered, said = await _call("PUT", url + name, token, body)
        assert answered == status and error in said["error"], (name, answered, said)
    assert sorted(path.name for path in (tmp_path / "config" / "knowledge").iterdir()) == []
    assert (await _call("PUT", url + "/sub%2Fdir.md", admin, b"# x"))[0] in (400, 404)  # no folder within


@pytest.mark.allow_logged_errors  # a reader's fault is logged with its traceback
async def test_a_document_added_is_read_once_and_a_readers_fault_refuses_it(serve, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    read_again: list[str] = []
    monkeypatch.setattr(knowledge_index, "read_document", lambda name, *a, **k: read_again.append(name))
    served = await serve(extra=KNOWLEDGE)
    admin = await served.token("owner", admin=True)
    url = served.url + "/api/knowledge/documents"
    assert (await _call("PUT", url + "/hours.md", admin, b"# Hours\n\nOpen from seven.\n"))[1]["passages"] == 1
    assert read_again == [], "the index took what was read to check it"
    assert [hit.path for hit in await served.gateway.data["knowledge"].index.search("seven")] == ["hours.md"]

    def nested_too_deep(name: str, data: bytes, *, max_chars: int) -> list[Any]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(knowledge_documents, "document_chunks", nested_too_deep)
    status, said = await _call("PUT", url + "/deep.html", admin, b"<div>" * 10)
    assert status == 400 and "deep.html: Roost's reader failed on it (RecursionError" in said["error"]
    assert sorted(path.name for path in (tmp_path / "config" / "knowledge").iterdir()) == ["hours.md"]


async def test_without_a_knowledge_base_the_documents_are_not_found(serve) -> None:
    served = await serve()
    status, said = await _call("GET", served.url + "/api/knowledge/documents", await served.token())
    assert status == 404 and "add `knowledge:` to configuration.yaml" in said["error"]


async def test_a_file_that_is_no_document_of_the_knowledge_base_is_not_replaced(serve, tmp_path: Path) -> None:
    served = await serve(extra=ECHO + "knowledge:\n  directory: .\n")  # the configuration directory itself
    admin = await served.token("owner", admin=True)
    configuration = (tmp_path / "config" / "configuration.yaml").read_bytes()
    status, said = await _call("PUT", served.url + "/api/knowledge/documents/configuration.yaml", admin,
                               b"terms:\n  - term: oven\n    definition: hot\n")
    assert status == 400 and "no document of the knowledge base" in said["error"]
    assert (tmp_path / "config" / "configuration.yaml").read_bytes() == configuration


async def _documents_shown(browser: Browser, url: str, token: str) -> None:
    """Log in on the status page and open its (empty) list of knowledge documents."""
    await browser.do(lambda d: d.get(url + "/"))
    field = await browser.until(lambda d: d.find_element(By.ID, "token"))
    await browser.do(lambda _d: field.send_keys(token, Keys.ENTER))
    documents = await browser.until(lambda d: d.find_element(By.ID, "knowledge-documents")
                                    if d.find_element(By.ID, "knowledge-documents").is_displayed() else None)
    await browser.do(lambda d: documents.find_element(By.TAG_NAME, "summary").click())
    await browser.until(lambda d: "no documents" in d.find_element(By.ID, "documents").text)


async def test_the_owner_adds_and_removes_a_document_on_the_status_page(serve, browser: Browser,
                                                                       tmp_path: Path) -> None:
    served = await serve(extra=KNOWLEDGE)
    token = await served.token("owner", admin=True)
    upload = tmp_path / "upload" / "prices.csv"
    upload.parent.mkdir()
    upload.write_text("Item,Price\nRye bread,4.20\nPlum cake,3.10\n", encoding="utf-8")
    await _documents_shown(browser, served.url, token)
    await browser.do(lambda d: d.find_element(By.ID, "document-file").send_keys(str(upload)))
    await browser.do(lambda d: d.find_element(By.ID, "add-document-button").click())
    said = await browser.until(lambda d: d.find_element(By.ID, "said").text or None)
    assert said == "Added prices.csv: 1 passage."  # its two rows fit one passage
    listed = await browser.until(lambda d: d.find_element(By.ID, "documents").text if "prices.csv" in d.find_element(
        By.ID, "documents").text else None)
    assert "1 passage" in listed
    assert (tmp_path / "config" / "knowledge" / "prices.csv").read_bytes() == upload.read_bytes()
    await browser.do(lambda d: d.find_element(By.CSS_SELECTOR, '[data-remove="prices.csv"]').click())
    await browser.until(lambda d: d.find_element(By.ID, "said").text == "Removed prices.csv from the knowledge base.")
    await browser.until(lambda d: "no documents" in d.find_element(By.ID, "documents").text)
    assert not (tmp_path / "config" / "knowledge" / "prices.csv").exists()


async def test_a_reader_sees_the_documents_and_no_form_to_add_one(serve, browser: Browser) -> None:
    served = await serve(extra=KNOWLEDGE)
    token = await served.token("viewer")
    await _documents_shown(browser, served.url, token)
    assert not await browser.do(lambda d: d.find_element(By.ID, "add-document").is_displayed())
