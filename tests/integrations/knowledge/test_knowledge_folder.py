"""Which names a document added from the status page may have: a file name alone, of a kind Roost reads."""

from __future__ import annotations

import pytest

from integrations.knowledge.chunker import DocumentError
from integrations.knowledge.folder import document_name


@pytest.mark.parametrize("name", ["manual.pdf", "Opening Hours.md", "preise.XLSX", "Café menu.html", "book.epub"])
def test_a_document_may_be_added_under_its_name(name: str) -> None:
    assert document_name(name) == name


@pytest.mark.parametrize(("name", "said"), [
    ("..", "'..' is not a file name"),
    ("../configuration.yaml", "is not a file name"),
    ("recipes/bread.md", "is not a file name"),
    ("c:\\bread.md", "is not a file name"),
    ("", "'' is not a file name"),
    (".env.md", "a hidden, backup or lock file's name"),
    ("notes.md~", "a hidden, backup or lock file's name"),
    ("secrets.yaml.bak", "not a kind of document Roost reads"),
    ("run.sh", "not a kind of document Roost reads (.csv, .docx"),
])
def test_other_names_are_refused_saying_why(name: str, said: str) -> None:
    with pytest.raises(DocumentError, match=said.replace("(", r"\(").replace(".", r"\.")):
        document_name(name)
