"""The consolidated purchase order as a PDF (A4, French), drawn with the shared document setup of `core.pdf`."""

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from mutualis.core.collation import french
from mutualis.core.money import euros
from mutualis.core.pdf import markup, render, table
from mutualis.core.pdf import styles as document_styles
from mutualis.purchasing.models import ConsolidatedOrder
from mutualis.purchasing.selectors.orders import consolidated_items, consolidated_totals


def consolidated_order_pdf(*, consolidation: ConsolidatedOrder) -> bytes:
    """The consolidated purchase order the operator sends to the supplier, as PDF bytes."""
    styles = document_styles()
    supplier, lot = consolidation.supplier, consolidation.lot
    day = timezone.localdate(consolidation.sent_at or consolidation.created_at)
    title = _("Bon de commande groupé %(number)s") % {"number": consolidation.number}
    story: list[Any] = [Paragraph(markup(title), styles["title"])]
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
        story.append(Paragraph(f"<b>{markup(label)}</b> : {markup(value)}", styles["body"]))

    story.append(Paragraph(markup(_("Quantités par article")), styles["h2"]))
    rows: list[list[Any]] = [[_("Référence"), _("Désignation"), _("Quantité"), _("PU HT"), _("Montant HT")]]
    for row in consolidated_items(consolidation=consolidation):
        amount = row["unit_price_ht"] * row["quantity"]
        rows.append(
            [row["item__reference"], row["item__label"], row["quantity"], euros(row["unit_price_ht"]), euros(amount)]
        )
    story += [Spacer(1, 2 * mm), table(rows, [26 * mm, 70 * mm, 22 * mm, 28 * mm, 28 * mm], {2, 3, 4}, styles)]

    story.append(Paragraph(markup(_("Bons de commande regroupés")), styles["h2"]))
    rows = [[_("Bon de commande"), _("Adhérent"), _("Site de livraison"), _("EJ"), _("Total HT")]]
    for order in consolidation.orders.select_related("member", "site").order_by(french("member__name"), "number"):
        site = f"{order.site.name}, {order.site.address}" if order.site else "—"
        rows.append([order.number, order.member.name, site, order.ej_number or "—", euros(order.total_ht)])
    story += [Spacer(1, 2 * mm), table(rows, [30 * mm, 42 * mm, 56 * mm, 20 * mm, 26 * mm], {4}, styles)]

    totals = consolidated_totals(consolidation=consolidation)
    rows = [
        [_("Totaux"), ""],
        [_("Total HT"), euros(totals["ht"])],
        [_("TVA"), euros(totals["vat"])],
        [_("Total TTC"), euros(totals["ttc"])],
    ]
    totals_table = table(rows, [40 * mm, 34 * mm], {1}, styles)
    totals_table.hAlign = "RIGHT"
    story += [Spacer(1, 6 * mm), totals_table]

    return render(story, title=title, author=settings.OPERATOR_NAME)
