"""E-books read for the chunker's outline: an EPUB (2 or 3) is a zip of XHTML chapters, read in its reading order (the
spine) as HTML pages are (html_pages.py), under the book's title.

A book's table of contents (EPUB 3's navigation document) is left out: its entries are the chapters' own headings.
A book locked by DRM keeps its chapters encrypted, and is refused as such (fonts alone obfuscated, as many books
have them, are no lock).
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree

from .chunker import DocumentError, Heading
from .html_pages import html_outline
from .packages import open_package, optional_part, part_bytes, xml_part

_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XMLENC = "{http://www.w3.org/2001/04/xmlenc#}"
_CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_KIND = "EPUB e-book"


def epub_outline(name: str, data: bytes) -> tuple[str | None, list[Heading | str]]:
    """An .epub file's title (None without one) and its chapters' headings and paragraphs, in reading order."""
    with open_package(name, data, _KIND) as archive:
        container = xml_part(name, archive, "META-INF/container.xml", _KIND)
        rootfile = container.find(f"{_CONTAINER}rootfiles/{_CONTAINER}rootfile")
        if rootfile is None or not rootfile.get("full-path"):
            raise DocumentError(f"{name}: not an {_KIND} (its META-INF/container.xml names no package)")
        package_path = unquote(rootfile.get("full-path", ""))
        package = xml_part(name, archive, package_path, _KIND)
        locked = _encrypted(name, archive)
        blocks: list[Heading | str] = []
        for part in _reading_order(package, posixpath.dirname(package_path)):
            if part in locked:
                raise DocumentError(f"{name}: the book is locked by DRM (its chapters are encrypted); Roost reads"
                                    " books without it")
            blocks += html_outline(f"{name}: {part}", part_bytes(name, archive, part, _KIND))[1]
    title = package.findtext(f"{_OPF}metadata/{_DC}title")
    return (" ".join(title.split()) or None) if title else None, blocks


def _reading_order(package: ElementTree.Element, folder: str) -> list[str]:
    """The paths of the chapters the package's spine lists, in its order (the navigation document left out)."""
    items = {item.get("id"): item for item in package.iterfind(f"{_OPF}manifest/{_OPF}item")}
    parts = []
    for reference in package.iterfind(f"{_OPF}spine/{_OPF}itemref"):
        item = items.get(reference.get("idref"))
        if (item is None or item.get("media-type") not in _CHAPTER_TYPES
                or "nav" in (item.get("properties") or "").split()):
            continue
        parts.append(posixpath.normpath(posixpath.join(folder, unquote(item.get("href", "")))))
    return parts


def _encrypted(name: str, archive: zipfile.ZipFile) -> frozenset[str]:
    """The parts META-INF/encryption.xml says are encrypted (paths from the package's root)."""
    encryption = optional_part(name, archive, "META-INF/encryption.xml", _KIND)
    if encryption is None:
        return frozenset()
    return frozenset(posixpath.normpath(unquote(reference.get("URI", "")))
                     for reference in encryption.iter(f"{_XMLENC}CipherReference"))
