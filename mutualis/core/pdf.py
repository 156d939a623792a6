"""Documents as PDF (A4, French), drawn server-side with reportlab's platypus: the fonts, styles, tables and page
footer every app's documents share (the consolidated purchase order, the contribution call).

Fonts are the Bitstream Vera TTFs shipped inside reportlab (no system fonts), embedded so that "€" and accents
render. Vera has no narrow no-break space (U+202F, used by `core.money.euros`): `markup` draws it as a no-break space.
"""

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "MutualisVera"
FONT_BOLD = "MutualisVera-Bold"
MARGIN = 18 * mm
HEADER_BACKGROUND = colors.HexColor("#e8ecf3")
GRID_COLOUR = colors.HexColor("#8a94a6")
_FONTS_DIR = Path(reportlab.__file__).parent / "fonts"


def register_fonts() -> None:
    """Register the embedded Vera fonts once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(_FONTS_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONTS_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def markup(value: Any) -> str:
    """Paragraph markup of a value: XML-escaped, narrow no-break spaces drawn as no-break spaces."""
    return escape(str(value)).replace("\u202f", "\u00a0")


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of a document: title, h2, body, table cells (text, numbers, headers)."""
    register_fonts()  # <b> resolves to the bold font when a paragraph is parsed: register before any is made
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, alignment=2),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "head_num": ParagraphStyle("head_num", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10, alignment=2),
    }


class NumberedCanvas(Canvas):
    """A canvas that writes "Page n sur N" in the footer once the number of pages is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 — reportlab's API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            footer = _("Page %(page)d sur %(pages)d") % {"page": self._pageNumber, "pages": len(self._pages)}
            self.drawRightString(A4[0] - MARGIN, 10 * mm, footer)
            super().showPage()
        super().save()


def table(
    rows: list[list[Any]], widths: list[float], num_columns: set[int], styles: dict, *, total_row: bool = False
) -> Table:
    """A grid table whose first row is the header (repeated on each page); `num_columns` are right-aligned; with
    `total_row`, the last row is bold."""
    data = [[Paragraph(markup(cell), styles["head"]) for cell in rows[0]]]
    for index, row in enumerate(rows[1:], start=2):
        text, num = ("head", "head_num") if total_row and index == len(rows) else ("cell", "num")
        data.append([Paragraph(markup(cell), styles[num if i in num_columns else text]) for i, cell in enumerate(row)])
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result


def render(story: list[Flowable], *, title: str, author: str) -> bytes:
    """Lay the story out on A4 pages (18 mm margins, numbered footer) and return the PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        lang="fr-FR",
    )
    doc.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
