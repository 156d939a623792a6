"""The loan agreement as a PDF (A4, French), drawn with the shared document setup of `core.pdf`."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from mutualis.core.money import euros
from mutualis.core.pdf import markup, render, styles, table
from mutualis.education.models import Loan

DATE = "%d/%m/%Y"


def _facts(rows: list[tuple[str, str]], style: Any) -> list[Paragraph]:
    return [Paragraph(f"<b>{markup(label)}</b> : {markup(value)}", style) for label, value in rows]


def loan_agreement_pdf(*, loan: Loan) -> bytes:
    """The agreement the borrower (or their établissement, département or EHPAD) signs when the device leaves."""
    sheet = styles()
    asset = loan.asset
    title = _("Convention de prêt de matériel n° %(pk)d") % {"pk": loan.pk}
    operator = settings.OPERATOR_NAME
    through = loan.establishment or loan.beneficiary_member
    story: list[Any] = [Paragraph(markup(title), sheet["title"])]
    story += _facts(
        [
            (_("Prêteur"), asset.member.name),
            (_("Emprunteur"), f"{loan.get_beneficiary_kind_display()} — {loan.beneficiary_reference}"),
            (_("Par l'intermédiaire de"), str(through) if through else "—"),
        ],
        sheet["body"],
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        table(
            [
                [_("Équipement"), _("Nature"), _("N° de série"), _("État au départ")],
                [asset.designation, asset.get_kind_display(), asset.serial_number, loan.get_condition_out_display()],
            ],
            [60 * mm, 35 * mm, 40 * mm, 34 * mm],
            set(),
            sheet,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story += _facts(
        [
            (_("Début du prêt"), loan.starts_on.strftime(DATE)),
            (_("Retour prévu"), loan.due_on.strftime(DATE)),
            (_("Caution"), euros(loan.deposit)),
        ],
        sheet["body"],
    )
    clauses = [
        _("L'emprunteur s'engage à utiliser le matériel pour un usage éducatif et à en prendre soin."),
        _("Le matériel est rendu à la date prévue, avec ses accessoires ; son état est constaté au retour."),
        _("Un matériel perdu ou endommagé par négligence peut entraîner la retenue de la caution."),
        _("Aucune donnée nominative de l'élève n'est conservée sur le matériel au retour : il est réinitialisé."),
    ]
    story.append(Spacer(1, 4 * mm))
    story += [Paragraph(markup(f"• {clause}"), sheet["body"]) for clause in clauses]
    if loan.note:
        story += [
            Spacer(1, 3 * mm),
            Paragraph(f"<b>{markup(_('Observations'))}</b> : {markup(loan.note)}", sheet["body"]),
        ]
    story.append(Spacer(1, 12 * mm))
    story.append(
        table(
            [[_("Pour le prêteur (date, signature)"), _("Pour l'emprunteur (date, signature)")], ["\n\n\n", "\n\n\n"]],
            [84 * mm, 84 * mm],
            set(),
            sheet,
        )
    )
    return render(story, title=title, author=operator)
