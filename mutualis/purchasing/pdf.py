"""The consolidated purchase order as a PDF (A4, French), drawn server-side with reportlab's platypus.

Fonts are the Bitstream Vera TTFs shipped inside reportlab (no system fonts), embedded so that "€" and accents
render. Vera has no narrow no-break space (U+202F, used by `core.money.euros`): it is drawn as a no-break space.
"""

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mutualis.core.collation import french
from mutualis.core.money import euros
from mutualis.purchasing.models import ConsolidatedOrder
from mutualis.purchasing.selectors.orders import consolidated_items, consolidated_totals

FONT = "MutualisVera"
FONT_BOLD = "MutualisVera-Bold"
_FONTS_DIR = Path(reportlab.__file__).parent / "fonts"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(_FONTS_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONTS_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _text(value: Any) -> str:
    """Paragraph markup of a value: XML-escaped, narrow no-break spaces drawn as no-break spaces."""
    return escape(str(value)).replace("\u202f", "\u00a0")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, alignment=2),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8, leading=10),
    }


class _NumberedCanvas(Canvas):
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
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, footer)
            super().showPage()
        super().save()


def _table(rows: list[list[Any]], widths: list[float], num_columns: set[int], styles: dict) -> Table:
    data = [[Paragraph(_text(cell), styles["head"]) for cell in rows[0]]]
    for row in rows[1:]:
        data.append(
            [Paragraph(_text(cell), styles["num" if i in num_columns else "cell"]) for i, cell in enumerate(row)]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf3")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a94a6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def consolidated_order_pdf(*, consolidation: ConsolidatedOrder) -> bytes:
    """The consolidated purchase order the operator sends to the supplier, as PDF bytes."""
    _register_fonts()
    styles = _styles()
    supplier, lot = consolidation.supplier, consolidation.lot
    day = timezone.localdate(consolidation.sent_at or consolidation.created_at)
    title = _("Bon de commande groupé %(number)s") % {"number": consolidation.number}
    story: list[Any] = [Paragraph(_text(title), styles["title"])]
    facts = [
        (
            _("Acheteur"),
            _("%(name)s (SIRET %(siret)s), centrale d'achat, pour le compte de ses adhérents")
            % {"name": settings.OPERATOR_NAME, "siret": settings.OPERATOR_SIRET},
        ),
        (
            _("Titulaire"),
            f"{supplier.name} — SIRET {supplier.siret}" + (f", {supplier.address}" if supplier.address else ""),
        ),
        (_("Accord-cadre"), f"{lot.agreement.reference} — {lot.agreement.subject}"),
        (_("Lot"), f"{lot.number} — {lot.title}"),
        (_("Date"), day.strftime("%d/%m/%Y")),
    ]
    for label, value in facts:
        story.append(Paragraph(f"<b>{_text(label)}</b> : {_text(value)}", styles["body"]))

    story.append(Paragraph(_text(_("Quantités par article")), styles["h2"]))
    rows: list[list[Any]] = [[_("Référence"), _("Désignation"), _("Quantité"), _("PU HT"), _("Montant HT")]]
    for row in consolidated_items(consolidation=consolidation):
        amount = row["unit_price_ht"] * row["quantity"]
        rows.append(
            [row["item__reference"], row["item__label"], row["quantity"], euros(row["unit_price_ht"]), euros(amount)]
        )
    story += [Spacer(1, 2 * mm), _table(rows, [26 * mm, 70 * mm, 22 * mm, 28 * mm, 28 * mm], {2, 3, 4}, styles)]

    story.append(Paragraph(_text(_("Bons de commande regroupés")), styles["h2"]))
    rows = [[_("Bon de commande"), _("Adhérent"), _("Site de livraison"), _("EJ"), _("Total HT")]]
    for order in consolidation.orders.select_related("member", "site").order_by(french("member__name"), "number"):
        site = f"{order.site.name}, {order.site.address}" if order.site else "—"
        rows.append([order.number, order.member.name, site, order.ej_number or "—", euros(order.total_ht)])
    story += [Spacer(1, 2 * mm), _table(rows, [30 * mm, 42 * mm, 56 * mm, 20 * mm, 26 * mm], {4}, styles)]

    totals = consolidated_totals(consolidation=consolidation)
    rows = [
        [_("Totaux"), ""],
        [_("Total HT"), euros(totals["ht"])],
        [_("TVA"), euros(totals["vat"])],
        [_("Total TTC"), euros(totals["ttc"])],
    ]
    totals_table = _table(rows, [40 * mm, 34 * mm], {1}, styles)
    totals_table.hAlign = "RIGHT"
    story += [Spacer(1, 6 * mm), totals_table]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=settings.OPERATOR_NAME,
        lang="fr-FR",
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
