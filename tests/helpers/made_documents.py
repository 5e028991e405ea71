"""Documents made with the libraries programs make them with: a PowerPoint deck (python-pptx), an EPUB 3 book
(EbookLib), an Excel workbook (openpyxl)."""

from __future__ import annotations

import io

import openpyxl
from ebooklib import epub
from pptx import Presentation
from pptx.oxml import parse_xml
from pptx.util import Inches

SLIDE_NUMBER = (  # as PowerPoint writes a slide number shown on a slide: a field whose text is the number
    '<p:sp xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:nvSpPr><p:cNvPr id="9" name="Slide Number"/>'
    '<p:cNvSpPr/><p:nvPr><p:ph type="sldNum" sz="quarter" idx="12"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody>'
    '<a:bodyPr/><a:p><a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum"><a:t>2</a:t></a:fld></a:p>'
    "</p:txBody></p:sp>")


def deck() -> bytes:
    """A deck made with python-pptx: a title slide, bullets with notes and a table, a slide without a title whose
    text is in a group; the first slide moved to the end, as a person reorders slides."""
    deck = Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = "Bakery plan 2026"
    cover.placeholders[1].text = "For the team"
    prices = deck.slides.add_slide(deck.slide_layouts[1])
    prices.shapes.title.text = "Prices"
    bullets = prices.placeholders[1].text_frame
    bullets.text = "Rye bread 4.20"
    bullets.add_paragraph().text = "Plum cake 3.10"
    table = prices.shapes.add_table(2, 2, Inches(1), Inches(5), Inches(4), Inches(1)).table
    for (row, column), text in {(0, 0): "Day", (0, 1): "Opens", (1, 0): "Sunday", (1, 1): "noon"}.items():
        table.cell(row, column).text = text
    prices.shapes._spTree.append(parse_xml(SLIDE_NUMBER))
    prices.notes_slide.notes_text_frame.text = "Say that the rye is from the mill in Kleve."
    loose = deck.slides.add_slide(deck.slide_layouts[6])  # blank: no title
    group = loose.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1)).text_frame.text = "Deliveries before seven"
    order = deck.slides._sldIdLst
    order.append(order[0])  # the cover last
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def book() -> bytes:
    """A book made with EbookLib (EPUB 3): its navigation document first in the spine, the chapters in an order of
    their own, one file name with a space."""
    book = epub.EpubBook()
    book.set_identifier("bakery-1")
    book.set_title("The  Bakery Book")
    book.set_language("en")
    bread = epub.EpubHtml(title="Bread", file_name="bread chapter.xhtml", lang="en")
    bread.content = "<h1>Bread</h1><p>Knead the rye dough for ten minutes.</p>"
    cake = epub.EpubHtml(title="Cake", file_name="cake.xhtml", lang="en")
    cake.content = "<h1>Cake</h1><h2>Icing</h2><p>Sugar &amp; lemon, stirred cold.</p>"
    preface = epub.EpubHtml(title="Preface", file_name="preface.xhtml", lang="en")
    preface.content = "<p>Written in the bakery's kitchen.</p>"
    for chapter in (bread, cake, preface):
        book.add_item(chapter)
    book.toc = (preface, bread, cake)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", preface, bread, cake]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def workbook() -> bytes:
    """A workbook made with openpyxl: a header row and a row of values."""
    made = openpyxl.Workbook()
    made.active.append(["Item", "Price"])
    made.active.append(["Rye", 4.2])
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()
