"""Office documents and e-books as their files are: zip archives of XML parts (Word's, Excel's and PowerPoint's,
OpenDocument's, EPUB's), opened with Python's own zipfile and ElementTree, refusing what would unpack without end."""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import PurePath
from urllib.parse import unquote
from xml.etree import ElementTree

from .chunker import DocumentError

MAX_PART_BYTES = 64 * 1024 * 1024
"""The most a part of a document may unpack to (a zip that unpacks to far more than it holds is refused)."""
MAX_PACKAGE_BYTES = 256 * 1024 * 1024
"""The most all parts of a document together may unpack to (a book of many chapters, a deck of many slides)."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""How the files of Office 97-2003 begin, and Office's files locked by a password."""
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
"""The attribute by which a part of Word, Excel or PowerPoint names another (its relationship's id)."""
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""A drawing's copy for older readers: its text is the same as the drawing's own, read once."""
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def open_package(name: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip archive an office document is (kind names it in errors: "Word document")."""
    if data.startswith(OLE_MAGIC):
        raise DocumentError(f"{name}: a file of Office 97-2003, or one locked by a password: save it in the"
                            f" format of its name ({PurePath(name).suffix}) without a password")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not {_a(kind)} (it is a zip archive; this is not one)") from None
    except Exception as err:  # zipfile reading a file from anywhere: whatever it meets, this file alone is skipped
        raise DocumentError(f"{name}: damaged ({type(err).__name__}: {err})") from None
    if (total := sum(info.file_size for info in archive.infolist())) > MAX_PACKAGE_BYTES:
        archive.close()
        raise DocumentError(f"{name}: its parts would unpack to {total} bytes, more than the {MAX_PACKAGE_BYTES}"
                            " a document may take")
    return archive


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"


def optional_part(name: str, archive: zipfile.ZipFile, part: str, kind: str) -> ElementTree.Element | None:
    """A part a document may lack (Word's styles, Excel's shared strings), parsed; None when it has none."""
    try:
        archive.getinfo(part)
    except KeyError:
        return None
    return xml_part(name, archive, part, kind)


def related_parts(name: str, archive: zipfile.ZipFile, part: str, kind: str) -> dict[str, tuple[str, str]]:
    """The parts a Word, Excel or PowerPoint part names, by relationship id: (type, e.g. "slide"; path in the
    package), from the part's _rels file ({} without one; links out of the package left out)."""
    folder, _, file = part.rpartition("/")
    links = optional_part(name, archive, posixpath.join(folder, "_rels", f"{file}.rels"), kind)
    parts = {}
    for link in links.iter(f"{_RELATIONSHIPS}Relationship") if links is not None else ():
        if link.get("TargetMode") != "External":
            target = unquote(link.get("Target", ""))
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            parts[link.get("Id", "")] = (link.get("Type", "").rpartition("/")[2], path)
    return parts


def xml_part(name: str, archive: zipfile.ZipFile, part: str, kind: str) -> ElementTree.Element:
    """A package's XML part, parsed; DocumentError for one missing, too large, locked or damaged."""
    xml = part_bytes(name, archive, part, kind)
    if b"<!DOCTYPE" in xml:  # these formats have none; entity definitions could make it unpack without end
        raise DocumentError(f"{name}: its {part} declares a DOCTYPE, which {_a(kind)} never does")
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as err:
        raise DocumentError(f"{name}: damaged ({part}: {err})") from None


def part_bytes(name: str, archive: zipfile.ZipFile, part: str, kind: str) -> bytes:
    """A package's part as stored; DocumentError for one missing, too large, locked or damaged."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        raise DocumentError(f"{name}: not {_a(kind)} (it has no {part})") from None
    if info.file_size > MAX_PART_BYTES:
        raise DocumentError(f"{name}: its {part} would unpack to {info.file_size} bytes, more than the"
                            f" {MAX_PART_BYTES} a document's text may take")
    try:
        return archive.read(part)
    except Exception as err:  # locked by a password (RuntimeError), a damaged deflate stream (zlib.error), a cut
        # file (EOFError), offsets out of it (ValueError): whatever zipfile meets, this file alone is skipped
        raise DocumentError(f"{name}: damaged ({part}: {type(err).__name__}: {err})") from None
