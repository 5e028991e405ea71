"""Small office documents and e-books for tests, laid out as their programs write them: .docx as Word does (a zip of
WordprocessingML parts), for what a document made with python-docx cannot show (styles as Word names them in other
languages, tracked changes, field codes, drawings with a fallback copy); .odt, .ods and .odp as LibreOffice does; an
EPUB 2 as the e-book programs before EPUB 3 did (Calibre's folder and names), which EbookLib does not write."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>'
)


def docx(body: str, styles: str = "", *, document: str | None = None) -> bytes:
    """A .docx whose w:body holds body and whose w:styles holds styles (both WordprocessingML, prefix w:)."""
    xml = document if document is not None else (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:mc="{MC}">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", xml)
        archive.writestr("word/styles.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                            f'<w:styles xmlns:w="{W}">{styles}</w:styles>')
    return out.getvalue()


def paragraph(text: str, style: str | None = None) -> str:
    """A w:p of one run of text, in a paragraph style when given."""
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
    ' xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def opendocument(content: str, *, kind: str = "text", encrypted: bool = False) -> bytes:
    """An OpenDocument file (kind text: an .odt; spreadsheet: an .ods; presentation: an .odp) whose office:text,
    office:spreadsheet or office:presentation holds content (prefixes office:, text:, table:, draw:, presentation:),
    packaged as LibreOffice does: the mimetype first and stored, a manifest (with encryption data for a locked one)."""
    encryption = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
                  '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AA"/>'
                  "</manifest:encryption-data>") if encrypted else ""
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
                ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                f'vnd.oasis.opendocument.{kind}"/><manifest:file-entry manifest:full-path="content.xml"'
                f' manifest:media-type="text/xml">{encryption}</manifest:file-entry></manifest:manifest>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}'
               f' office:version="1.3"><office:body><office:{kind}>{content}</office:{kind}></office:body>'
               "</office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), f"application/vnd.oasis.opendocument.{kind}",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


def epub2(chapters: dict[str, str], *, title: str, encrypted: tuple[str, ...] = ()) -> bytes:
    """An EPUB 2 in OEBPS/ whose spine lists chapters (file name -> XHTML body) in order, its hrefs percent-encoded;
    encrypted names the parts META-INF/encryption.xml lists (a font obfuscated, or a chapter locked by DRM)."""
    manifest = "".join(f'<item id="c{number}" href="{quote(file)}" media-type="application/xhtml+xml"/>'
                       for number, file in enumerate(chapters))
    spine = "".join(f'<itemref idref="c{number}"/>' for number in range(len(chapters)))
    package = ('<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"'
               ' unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
               f'<dc:title>{title}</dc:title><dc:identifier id="id">urn:uuid:1</dc:identifier></metadata>'
               f'<manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>{manifest}</manifest>'
               f'<spine toc="ncx">{spine}</spine></package>')
    cipher = "".join('<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#"><EncryptionMethod Algorithm='
                     f'"http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="{quote(part)}"/>'
                     "</CipherData></EncryptedData>" for part in encrypted)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0"'
                         ' xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile'
                         ' full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
                         "</container>")
        if cipher:
            archive.writestr("META-INF/encryption.xml", '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:'
                             f'container">{cipher}</encryption>')
        archive.writestr("OEBPS/content.opf", package)
        archive.writestr("OEBPS/toc.ncx", '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"/>')
        for file, body in chapters.items():
            archive.writestr(f"OEBPS/{file}", '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC'
                             ' "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">'
                             '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
                             f"<body>{body}</body></html>")
    return out.getvalue()
