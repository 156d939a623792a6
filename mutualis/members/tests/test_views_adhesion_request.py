"""The public adhésion form: a public body asks online to join; bad input, robots and floods write nothing."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry, Notification
from mutualis.core.testing import login_as
from mutualis.members import services
from mutualis.members.choices import Competence, MemberKind, MemberStatus
from mutualis.members.models import AdhesionRequest, Member, MemberStatusChange
from mutualis.members.testing import assert_role_matrix
from mutualis.members.tests import factories
from mutualis.members.validators import UAI_LETTERS
from mutualis.territory.models import Commune

pytestmark = pytest.mark.django_db

URL = "/adhesion/"
DONE_URL = "/adhesion/merci/"
DUPLICATE = "Cette structure est déjà adhérente ou a déjà une demande en cours : contactez l'opérateur."


def adhesion_form(**overrides):
    commune = factories.commune("78686")
    return {
        "kind": "commune",
        "name": "Commune de Viroflay",
        "siren": "217 806 868",
        "siret": "",
        "departement": commune.departement.code,
        "commune_codes": "78686",
        "intercommunality": "",
        "establishment_type": "",
        "uai": "",
        "address": "Place Charles de Gaulle, 78220 Viroflay",
        "contact_name": "Claire Martin",
        "contact_function": "Directrice générale des services",
        "contact_email": "dgs@viroflay.example.fr",
        "contact_phone": "01 39 24 28 28",
        "competences": [Competence.CENTRAL_PURCHASING, Competence.VIDEO_PROTECTION],
        "message": "Nous souhaitons rejoindre la centrale d'achat dès cette année.",
        "consent": "on",
        "website": "",
    } | overrides


def everything():
    """What a submission could write or send."""
    return (
        Member.objects.count(),
        AdhesionRequest.objects.count(),
        MemberStatusChange.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        len(mail.outbox),
    )


@pytest.fixture
def admin():
    return StaffFactory(email="admin@operateur.example.fr")


# --- the page ---------------------------------------------------------------------------------------------------------


def test_the_form_is_public(world):
    """Anyone reaches the form, signed in or not; it asks for consent and carries a hidden honeypot."""
    assert_role_matrix(
        world,
        method="get",
        url=URL,
        expected=dict.fromkeys(("anonymous", "other_member", "reader", "agent", "manager", "staff"), 200),
    )
    body = Client().get(URL).content.decode()
    assert "<h1>Demande d'adhésion</h1>" in body
    assert "Vos coordonnées servent uniquement à traiter la demande" in body
    assert 'aria-hidden="true"' in body and 'tabindex="-1"' in body and "Ne remplissez pas ce champ." in body


def test_home_and_login_pages_link_to_the_form(client):
    """The home page shows a « Demander l'adhésion » button, the login page a link."""
    for page in ("/", "/compte/connexion/"):
        body = client.get(page).content.decode()
        assert f'href="{URL}"' in body and "Demander l'adhésion" in body, page


# --- success ----------------------------------------------------------------------------------------------------------


def test_a_request_records_a_requested_member_notifies_administrators_and_acknowledges(client, admin):
    """A valid request creates the member (status requested, no acting user), keeps the request for staff, notifies
    the administrators, audits the requester's e-mail and sends the requester an acknowledgment."""
    response = client.post(URL, adhesion_form())
    assert response.status_code == 302 and response["Location"] == DONE_URL

    member = Member.objects.get()
    assert (member.name, member.siren, member.status) == ("Commune de Viroflay", "217806868", MemberStatus.REQUESTED)
    assert member.intercommunality.siren == "247800584" and member.communes.get().insee_code == "78686"
    step = member.status_changes.get()
    assert (step.to_status, step.acting_user) == (MemberStatus.REQUESTED, None)
    adhesion = AdhesionRequest.objects.get(member=member)
    assert (adhesion.contact_name, adhesion.contact_function) == ("Claire Martin", "Directrice générale des services")
    assert (adhesion.contact_email, adhesion.contact_phone) == ("dgs@viroflay.example.fr", "01 39 24 28 28")
    assert adhesion.competences == ["central_purchasing", "video_protection"]
    assert adhesion.message.startswith("Nous souhaitons")

    entry = AuditEntry.objects.get(action="member.create", member_id=member.pk)
    assert entry.actor is None and entry.actor_label == "système" and entry.ip_address == "127.0.0.1"
    assert entry.after["requested_by"] == "dgs@viroflay.example.fr" and entry.after["siren"] == "217806868"
    notification = Notification.objects.get(recipient=admin)
    assert notification.kind == "member.requested" and "Commune de Viroflay" in notification.title

    [acknowledgment] = mail.outbox
    assert acknowledgment.to == ["dgs@viroflay.example.fr"]
    assert acknowledgment.subject == "Demande d'adhésion de la Commune de Viroflay reçue"
    assert "la demande d'adhésion de la Commune de Viroflay (SIREN 217806868)" in acknowledgment.body
    assert "Bonjour Claire Martin" in acknowledgment.body and "délibération" in acknowledgment.body
    assert "- Centrale d'achat" in acknowledgment.body and "- Vidéoprotection" in acknowledgment.body

    body = client.get(DONE_URL).content.decode()
    assert "Demande enregistrée" in body and "vous répondra après délibération" in body


def test_the_acknowledgment_names_the_body_with_its_article(client, admin, territory):
    """The acknowledgment reads « demande d'adhésion de la Commune d'Ablis », not « de Commune de Ablis »."""
    commune = Commune.objects.get(insee_code="78003")
    form = adhesion_form(name="Commune d'Ablis", siren=commune.siren, commune_codes="78003")
    assert client.post(URL, form | {"departement": commune.departement.code}).status_code == 302

    [acknowledgment] = mail.outbox
    assert acknowledgment.subject == "Demande d'adhésion de la Commune d'Ablis reçue"
    assert "la demande d'adhésion de la Commune d'Ablis (SIREN 217800036)" in acknowledgment.body


def test_a_college_asks_with_its_uai():
    """A collège (public establishment) gives its type and UAI; its commune is where it stands."""
    uai = "0780001" + UAI_LETTERS[780001 % 23]
    siren = factories.make_siren("19780001")
    data = adhesion_form(
        kind="public_establishment",
        name="Collège Jean Racine",
        siren=siren,
        establishment_type="college",
        uai=uai.lower(),
        commune_codes="Viroflay",
        competences=[Competence.DIGITAL_EDUCATION],
    )
    assert Client().post(URL, data).status_code == 302
    member = Member.objects.get(siren=siren)
    assert (member.kind, member.establishment_type, member.uai) == ("public_establishment", "college", uai)
    assert member.adhesion_requests.get().competences == ["digital_education"]


# --- bad input --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"siren": "217806869"}, "siren", "SIREN invalide : 9 chiffres avec une clé de contrôle correcte."),
        ({"siret": "21780686800011"}, "siret", "SIRET invalide"),
        ({"commune_codes": ""}, "commune_codes", "Une commune adhérente est rattachée à exactement une commune"),
        ({"commune_codes": "Atlantis"}, "commune_codes", "Commune inconnue : Atlantis."),
        ({"siren": "217806462"}, "siren", "Le SIREN d'une commune adhérente est celui de la commune"),
        (
            {"kind": "public_establishment", "establishment_type": "college", "uai": "0780001A"},
            "uai",
            "Code UAI invalide",
        ),
        ({"consent": ""}, "consent", "Cochez cette case : sans elle, nous ne pouvons pas traiter votre demande."),
        ({"contact_email": "claire.martin"}, "contact_email", "Saisissez une adresse e-mail valide."),
        ({"contact_name": ""}, "contact_name", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_400_in_french_and_writes_nothing(client, admin, overrides, field, message):
    """Invalid SIREN or SIRET, missing or unknown commune, wrong UAI, no consent, no contact: the same French
    messages as in the back-office, status 400, nothing written or sent."""
    before = everything()
    response = client.post(URL, adhesion_form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert everything() == before


@pytest.mark.parametrize("status", [MemberStatus.ACTIVE, MemberStatus.REQUESTED, MemberStatus.REJECTED])
def test_a_body_already_known_is_told_to_contact_the_operator(client, admin, status):
    """A SIREN already a member, or with a request in progress (or refused), gets one message: contact the
    operator; nothing is written."""
    factories.commune_member("78686", status=status)
    before = everything()
    response = client.post(URL, adhesion_form())
    assert response.status_code == 400
    assert response.context["form"].errors["siren"] == [DUPLICATE]
    assert DUPLICATE.replace("'", "&#x27;") in response.content.decode()
    assert everything() == before


def test_csrf_stays_on():
    """A post without the CSRF token is refused."""
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, adhesion_form()).status_code == 403
    assert Member.objects.count() == 0


# --- abuse ------------------------------------------------------------------------------------------------------------


def test_submissions_are_throttled_per_address(client, settings):
    """After ADHESION_REQUEST_MAX accepted submissions (or caught robots) from one address, the next ones get 429
    with a French page and write nothing; corrections of a refused form do not count; other addresses go on."""
    settings.ADHESION_REQUEST_MAX = 2
    for _ in range(3):
        assert client.post(URL, adhesion_form(siren="217806869")).status_code == 400
    assert client.post(URL, adhesion_form()).status_code == 302
    assert client.post(URL, adhesion_form(website="https://promo.example.com")).status_code == 302
    before = everything()
    versailles = adhesion_form(name="Commune de Versailles", siren="217806462", commune_codes="78646")
    response = client.post(URL, versailles)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert everything() == before
    assert client.get(URL).status_code == 200  # reading the form is never throttled
    factories.commune("78646")
    assert client.post(URL, versailles, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_a_robot_filling_the_honeypot_is_silently_discarded(client, admin):
    """The honeypot filled: the robot sees the usual confirmation, but nothing is written and no e-mail leaves."""
    before = everything()
    response = client.post(URL, adhesion_form(website="https://promo.example.com"), follow=True)
    assert response.redirect_chain == [(DONE_URL, 302)]
    assert "Demande enregistrée" in response.content.decode()
    assert everything() == before


# --- service and back-office ------------------------------------------------------------------------------------------


def submit(**overrides):
    commune = factories.commune("78686")
    data = {
        "name": "Commune de Viroflay",
        "kind": MemberKind.COMMUNE,
        "siren": commune.siren,
        "departement": commune.departement,
        "communes": [commune],
        "contact_name": "Claire Martin",
        "contact_function": "DGS",
        "contact_email": "dgs@viroflay.example.fr",
        "competences": [Competence.BROADBAND],
        "message": "Premier contact.\nMerci.",
    } | overrides
    return services.adhesion_request_submit(**data)


def test_service_refuses_unknown_competences_and_writes_nothing(admin):
    """Wished competences come from the list; an unknown one is refused with the member's own errors."""
    with pytest.raises(ValidationError) as excinfo:
        submit(competences=["teleportation"], communes=[])
    errors = excinfo.value.message_dict
    assert "competences" in errors and "communes" in errors
    assert (Member.objects.count(), AdhesionRequest.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_backoffice_detail_shows_the_online_request(client, admin):
    """Staff see the request on the member's page: requester, contact, wished competences, message."""
    adhesion = submit(contact_phone="01 02 03 04 05")
    login_as(client, admin)
    body = client.get(f"/back-office/adherents/{adhesion.member.pk}/").content.decode()
    assert "Demande d'adhésion en ligne" in body
    for text in ("Claire Martin, DGS", "mailto:dgs@viroflay.example.fr", "01 02 03 04 05", "Très haut débit"):
        assert text in body, text
    assert "Premier contact.<br>Merci." in body


def test_backoffice_detail_without_online_request_has_no_such_section(world, client):
    """A member recorded in the back-office has no online request section."""
    login_as(client, world.staff)
    body = client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()
    assert "Demande d'adhésion en ligne" not in body
