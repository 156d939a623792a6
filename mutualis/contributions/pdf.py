"""The contribution call as a PDF (A4, French): the same content as the printable page (`document.call_document`),
drawn with the shared document setup of `core.pdf`."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from mutualis.contributions.document import CallDocument, Party
from mutualis.core.money import euros
from mutualis.core.pdf import markup, render, styles, table

# The frame is A4 less the margins and its own padding: about 169 mm.
LINE_WIDTHS = [28 * mm, 32 * mm, 18 * mm, 21 * mm, 24 * mm, 18 * mm, 27 * mm]
DATE = "%d/%m/%Y"


def _party(label: str, party: Party, style: Any) -> list[Paragraph]:
    lines = [f"<b>{markup(label)}</b>", f"<b>{markup(party.name)}</b>"]
    if party.address:
        lines.append(markup(party.address))
    if party.siret:
        lines.append(markup(_("SIRET %(siret)s") % {"siret": party.siret}))
    elif party.siren:
        lines.append(markup(_("SIREN %(siren)s") % {"siren": party.siren}))
    return [Paragraph(line, style) for line in lines]


def _facts(rows: list[tuple[str, str]], style: Any) -> list[Paragraph]:
    return [Paragraph(f"<b>{markup(label)}</b> : {markup(value)}", style) for label, value in rows]


def call_pdf(*, document: CallDocument) -> bytes:
    """The call a member's treasurer pays from, as PDF bytes."""
    sheet = styles()
    call = document.call
    story: list[Any] = [Paragraph(markup(document.title), sheet["title"])]
    if document.cancelled:
        cancelled_on = timezone.localdate(call.cancelled_at).strftime(DATE) if call.cancelled_at else ""
        notice = _("Appel annulé le %(date)s : il n'est pas à régler. Motif : %(reason)s") % {
            "date": cancelled_on,
            "reason": call.cancel_reason,
        }
        story.append(Paragraph(f"<b>{markup(notice)}</b>", sheet["body"]))

    parties = Table(
        [
            [
                _party(_("Émetteur"), document.issuer, sheet["body"]),
                _party(_("Adhérent"), document.recipient, sheet["body"]),
            ]
        ],
        colWidths=[84 * mm, 84 * mm],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [Spacer(1, 4 * mm), parties, Spacer(1, 4 * mm)]
    story += _facts(
        [
            (_("Numéro"), call.number),
            (_("Exercice"), str(call.year)),
            (_("Émis le"), document.issued_on.strftime(DATE)),
            (_("À régler au plus tard le"), document.due_date.strftime(DATE)),
        ],
        sheet["body"],
    )

    story.append(Paragraph(markup(_("Détail par compétence")), sheet["h2"]))
    rows: list[list[Any]] = [
        [
            _("Compétence"),
            _("Assiette"),
            _("Montant par habitant"),
            _("Plancher"),
            _("Montant annuel"),
            _("Jours d'exercice"),
            _("Montant"),
        ]
    ]
    for line in document.lines:
        rows.append(
            [
                line.competence,
                line.basis_text,
                line.per_inhabitant_text,
                euros(line.floor),
                euros(line.yearly) + (" " + _("(plancher)") if line.floor_applies else ""),
                f"{line.days_in_force} / {line.days_in_year}",
                euros(line.amount),
            ]
        )
    rows.append([_("Total"), "", "", "", "", "", euros(document.total)])
    lines_table = table(rows, LINE_WIDTHS, {2, 3, 4, 5, 6}, sheet, total_row=True)
    lines_table.setStyle(TableStyle([("SPAN", (0, -1), (-2, -1))]))
    story += [Spacer(1, 2 * mm), lines_table, Spacer(1, 2 * mm)]
    story.append(
        Paragraph(
            markup(
                _(
                    "Montant d'une ligne : le plus élevé de (population × montant par habitant) et du plancher, au "
                    "prorata des jours d'exercice de la compétence dans l'année, arrondi au centime."
                )
            ),
            sheet["cell"],
        )
    )

    if document.payment is not None:
        payment = document.payment
        story.append(Paragraph(markup(_("Règlement")), sheet["h2"]))
        story.append(
            Paragraph(
                markup(
                    _("À régler par virement au plus tard le %(date)s, en rappelant la référence %(reference)s.")
                    % {"date": payment.due_date.strftime(DATE), "reference": payment.reference}
                ),
                sheet["body"],
            )
        )
        story += _facts(
            [
                (_("Titulaire du compte"), payment.holder),
                (_("IBAN"), payment.iban),
                (_("BIC"), payment.bic),
                (_("Référence à rappeler"), payment.reference),
                (_("Montant"), euros(document.total)),
            ],
            sheet["body"],
        )
    return render(story, title=document.title, author=document.issuer.name)
