"""Office documents as their files are: zip archives of XML parts (Word's and Excel's, OpenDocument's), opened
with Python's own zipfile and ElementTree, refusing what would unpack without end."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from xml.etree import ElementTree

from .chunker import DocumentError

MAX_PART_BYTES = 64 * 1024 * 1024
"""The most a part of a document may unpack to (a zip that unpacks to far more than it holds is refused)."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""How the files of Office 97-2003 begin, and Office's files locked by a password."""


def open_package(name: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip archive an office document is (kind names it in errors: "Word document")."""
    if data.startswith(OLE_MAGIC):
        raise DocumentError(f"{name}: a file of Office 97-2003, or one locked by a password: save it in the"
                            f" format of its name ({PurePath(name).suffix}) without a password")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not {_a(kind)} (it is a zip archive; this is not one)") from None


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"


def optional_part(name: str, archive: zipfile.ZipFile, part: str, kind: str) -> ElementTree.Element | None:
    """A part a document may lack (Word's styles, Excel's shared strings), parsed; None when it has none."""
    try:
        archive.getinfo(part)
    except KeyError:
        return None
    return xml_part(name, archive, part, kind)


def xml_part(name: str, archive: zipfile.ZipFile, part: str, kind: str) -> ElementTree.Element:
    """A package's XML part, parsed; DocumentError for one missing, too large, locked or damaged."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        raise DocumentError(f"{name}: not {_a(kind)} (it has no {part})") from None
    if info.file_size > MAX_PART_BYTES:
        raise DocumentError(f"{name}: its {part} would unpack to {info.file_size} bytes, more than the"
                            f" {MAX_PART_BYTES} a document's text may take")
    try:
        xml = archive.read(part)
    except (zipfile.BadZipFile, RuntimeError, OSError) as err:  # RuntimeError: a part locked by a password
        raise DocumentError(f"{name}: damaged ({part}: {err})") from None
    if b"<!DOCTYPE" in xml:  # these formats have none; entity definitions could make it unpack without end
        raise DocumentError(f"{name}: its {part} declares a DOCTYPE, which {_a(kind)} never does")
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as err:
        raise DocumentError(f"{name}: damaged ({part}: {err})") from None
