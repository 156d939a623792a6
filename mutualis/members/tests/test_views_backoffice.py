"""Back-office pages: staff only; members list, creation, detail, workflow, competences (role matrices, bad input)."""

import csv
import datetime
import io

import pytest

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, MemberStatusChange
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests import factories

STAFF_ONLY = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
STAFF_WRITES = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}


def member_form(**overrides):
    commune = factories.commune("78686")
    return {
        "name": "Commune de Viroflay",
        "kind": "commune",
        "siren": commune.siren,
        "siret": "",
        "departement": "78",
        "commune_codes": "78686",
        "intercommunality": "",
        "establishment_type": "",
    } | overrides


def members_state():
    return rows(Member.objects.all()), rows(MemberStatusChange.objects.all())


@pytest.mark.parametrize(
    "path",
    [
        "/back-office/adherents/",
        "/back-office/adherents/export.csv",
        "/back-office/adherents/nouveau/",
        "/back-office/adherents/{a}/",
        "/back-office/adherents/{a}/modifier/",
        "/back-office/adherents/{a}/statut/withdrawn/",
        "/back-office/adherents/{a}/competences/nouvelle/",
        "/back-office/competences/{t}/fin/",
    ],
)
def test_backoffice_pages_are_staff_only(world, path):
    """Every back-office page answers 404 to members' users (even of the member shown) and sends anonymous
    visitors to the login page."""
    transfer = world.member_a.competences.first()
    url = path.format(a=world.member_a.pk, t=transfer.pk)
    assert_role_matrix(world, method="get", url=url, expected=STAFF_ONLY)


def test_other_staff_roles_see_but_cannot_create_or_change(world, client):
    """A purchasing officer browses members but may not create, edit or move them along the workflow."""
    officer = StaffFactory(staff_role="purchasing_officer")
    login_as(client, officer)
    assert client.get("/back-office/adherents/").status_code == 200
    body = client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()
    assert "Retirer l&#x27;adhérent" not in body and "Modifier l" not in body
    assert client.get("/back-office/adherents/nouveau/").status_code == 403
    assert client.post("/back-office/adherents/nouveau/", member_form()).status_code == 403
    response = client.post(f"/back-office/adherents/{world.member_a.pk}/statut/withdrawn/", {"t-withdrawn-reason": "x"})
    assert response.status_code == 403
    assert Member.objects.get(pk=world.member_a.pk).status == MemberStatus.ACTIVE


# --- list, search, filters, export ----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(world, client):
    return login_as(client, world.staff)


def test_list_searches_by_name_siren_and_commune(world, staff_client):
    """Search finds members by name, SIREN or commune (name, accents optional, or INSEE code)."""
    for query in ["Versailles", "217806462", "217 806", "78646", "versailles"]:
        body = staff_client.get("/back-office/adherents/", {"q": query}).content.decode()
        assert "Commune de Versailles" in body and "Commune de Boulogne" not in body, query
    body = staff_client.get("/back-office/adherents/", {"q": "boulogne billancourt"}).content.decode()
    assert "Commune de Boulogne-Billancourt" in body


def test_list_filters_by_departement_kind_competence_status(world, staff_client):
    """Filters: département, kind, competence held today, status."""
    factories.MemberFactory(name="Collège Test", status=MemberStatus.REQUESTED)

    def names(**params):
        page = staff_client.get("/back-office/adherents/", params).context["page"]
        return {m.name for m in page.object_list}

    assert names(departement="92") == {"Commune de Boulogne-Billancourt"}
    assert names(kind="public_establishment") == {"Collège Test"}
    assert names(competence=Competence.EV_CHARGING) == {"Commune de Boulogne-Billancourt"}
    assert names(competence=Competence.VIDEO_PROTECTION) == {"Commune de Versailles"}
    assert names(status="requested") == {"Collège Test"}


def test_list_paginates_and_shows_an_empty_state(world, staff_client):
    """Lists are paginated; a search without results says so."""
    factories.MemberFactory.create_batch(30)
    page = staff_client.get("/back-office/adherents/").context["page"]
    assert page.paginator.num_pages == 2
    assert "Page suivante" in staff_client.get("/back-office/adherents/").content.decode()
    body = staff_client.get("/back-office/adherents/", {"q": "zzzz"}).content.decode()
    assert "Aucun adhérent ne correspond" in body


def test_list_and_export_sort_names_in_french_order(world, staff_client):
    """Members are listed as a French reader expects: accents and case ignored (« Collège béhoust » before « Collège
    Bullion », « Commune d'Élancourt » before « Commune d'Epône », not last), in the list and in its export."""
    for name in ["Collège Bullion", "Collège béhoust", "Collège Zèbre", "Commune d'Élancourt", "Commune d'Epône"]:
        factories.MemberFactory(name=name)
    expected = [
        "Collège béhoust",
        "Collège Bullion",
        "Collège Zèbre",
        "Commune d'Élancourt",
        "Commune d'Epône",
        "Commune de Boulogne-Billancourt",
        "Commune de Versailles",
    ]
    page = staff_client.get("/back-office/adherents/").context["page"]
    assert [m.name for m in page.object_list if m.name in expected] == expected
    content = staff_client.get("/back-office/adherents/export.csv").content.decode("utf-8-sig")
    exported = [row[0] for row in csv.reader(io.StringIO(content), delimiter=";")][1:]
    assert [name for name in exported if name in expected] == expected


def test_export_is_the_filtered_list_as_csv(world, staff_client):
    """The CSV export holds the filtered list, with its current competences."""
    response = staff_client.get("/back-office/adherents/export.csv", {"departement": "78"})
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert table[0][:3] == ["Dénomination", "Nature", "SIREN"]
    assert [row[0] for row in table[1:]] == ["Commune de Versailles"]
    assert "Centrale d'achat" in table[1][8] and "Vidéoprotection" in table[1][8]


# --- creation ---------------------------------------------------------------------------------------------------------


def test_create_matrix(world):
    """Only administrators record a new member."""
    assert_role_matrix(
        world,
        method="post",
        url="/back-office/adherents/nouveau/",
        data=member_form(),
        expected=STAFF_WRITES,
        state=members_state,
    )
    member = Member.objects.get(siren="217806868")
    assert member.status == MemberStatus.REQUESTED and member.intercommunality.siren == "247800584"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"siren": "217806869"}, "siren", "SIREN invalide : 9 chiffres avec une clé de contrôle correcte."),
        ({"siret": "21780686800011"}, "siret", "SIRET invalide"),
        ({"siret": "21780646200016"}, "siret", "Le SIRET doit commencer par le SIREN"),
        ({"siren": "217806462", "commune_codes": "78646"}, "siren", "Un adhérent avec ce SIREN existe déjà."),
        ({"commune_codes": "78999, Atlantis"}, "commune_codes", "Commune inconnue : 78999, Atlantis."),
        ({"commune_codes": "92012"}, "commune_codes", "pas dans le département Yvelines"),
    ],
)
def test_create_bad_input_is_400_in_french_and_writes_nothing(world, staff_client, overrides, field, message):
    """Invalid SIREN/SIRET, duplicate SIREN, unknown or misplaced commune: French message, status 400, no write."""
    before = (members_state(), AuditEntry.objects.count())
    response = staff_client.post("/back-office/adherents/nouveau/", member_form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert message.split(" :")[0] in response.content.decode().replace("&#x27;", "'")
    assert (members_state(), AuditEntry.objects.count()) == before


def test_create_accepts_commune_names(world, staff_client):
    """Communes may be typed by name."""
    response = staff_client.post("/back-office/adherents/nouveau/", member_form(commune_codes="Viroflay"))
    assert response.status_code == 302
    assert Member.objects.get(siren="217806868").communes.get().insee_code == "78686"


# --- detail, update, workflow, competences ----------------------------------------------------------------------------


def test_detail_shows_workflow_history_competences_sites_users_audit(world, staff_client):
    """The detail page shows the workflow buttons allowed now, the history, competences, sites, users, audit."""
    member = factories.MemberFactory(name="Collège Demande", status=MemberStatus.REQUESTED)
    body = staff_client.get(f"/back-office/adherents/{member.pk}/").content.decode()
    assert "Approuver l&#x27;adhésion" in body and "Refuser l&#x27;adhésion" in body
    assert "Retirer l&#x27;adhérent" not in body
    body = staff_client.get(f"/back-office/adherents/{world.member_a.pk}/").content.decode()
    for text in [
        "Retirer l&#x27;adhérent",
        "Centrale d&#x27;achat",
        "Hôtel de ville de Versailles",
        world.reader.email,
    ]:
        assert text in body, text
    assert "Journal d'audit récent" in body


def test_update_matrix(world):
    """Only administrators edit a member's identity."""
    url = f"/back-office/adherents/{world.member_a.pk}/modifier/"
    data = member_form(name="Ville de Versailles", siren="217806462", commune_codes="78646", phone="01 30 97 80 00")
    assert_role_matrix(world, method="post", url=url, data=data, expected=STAFF_WRITES, state=members_state)
    world.member_a.refresh_from_db()
    assert world.member_a.name == "Ville de Versailles"


def test_approve_matrix(world):
    """Only administrators approve an adhésion, with the deliberation reference and date."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    assert_role_matrix(
        world,
        method="post",
        url=f"/back-office/adherents/{member.pk}/statut/approved/",
        data={"t-approved-deliberation_reference": "CS-2026-014", "t-approved-deliberation_date": "2026-03-12"},
        expected=STAFF_WRITES,
        state=members_state,
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.APPROVED and member.deliberation_date == datetime.date(2026, 3, 12)


def test_transition_without_deliberation_is_400_and_changes_nothing(world, staff_client):
    """Approving without deliberation, refusing without reason, or a step outside the workflow: 400, no change."""
    member = factories.MemberFactory(status=MemberStatus.REQUESTED)
    before = members_state()
    response = staff_client.post(f"/back-office/adherents/{member.pk}/statut/approved/", {})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    response = staff_client.post(f"/back-office/adherents/{member.pk}/statut/rejected/", {"t-rejected-reason": ""})
    assert response.status_code == 400
    response = staff_client.post(f"/back-office/adherents/{member.pk}/statut/active/", {})
    assert response.status_code == 400 and "Passage impossible" in response.content.decode()
    assert staff_client.get(f"/back-office/adherents/{member.pk}/statut/withdrawn/").status_code == 400
    assert staff_client.get(f"/back-office/adherents/{member.pk}/statut/inconnu/").status_code == 404
    assert members_state() == before


def test_withdraw_and_reject_go_through_a_confirmation(world, staff_client):
    """Withdrawal and refusal ask for a reason on a confirmation form, then record it."""
    url = f"/back-office/adherents/{world.member_a.pk}/statut/withdrawn/"
    assert "Confirmer" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"t-withdrawn-reason": "Délibération de retrait"})
    assert response.status_code == 302
    assert MemberStatusChange.objects.get(member=world.member_a, to_status="withdrawn").reason == (
        "Délibération de retrait"
    )


def test_competence_add_matrix(world):
    """Only administrators record competence transfers."""
    assert_role_matrix(
        world,
        method="post",
        url=f"/back-office/adherents/{world.member_a.pk}/competences/nouvelle/",
        data={"competence": "broadband", "start_date": "2026-01-01", "end_date": ""},
        expected=STAFF_WRITES,
        state=lambda: rows(CompetenceTransfer.objects.all()),
    )
    assert world.member_a.competences.filter(competence="broadband").exists()


def test_competence_overlap_is_400_on_the_page(world, staff_client):
    """An overlapping transfer is refused in French with status 400."""
    before = rows(CompetenceTransfer.objects.all())
    response = staff_client.post(
        f"/back-office/adherents/{world.member_a.pk}/competences/nouvelle/",
        {"competence": "central_purchasing", "start_date": "2025-01-01"},
    )
    assert response.status_code == 400 and "chevauche" in response.content.decode()
    assert rows(CompetenceTransfer.objects.all()) == before


def test_competence_end_matrix(world, client):
    """Only administrators end a competence transfer."""
    transfer = world.member_a.competences.get(competence="central_purchasing")
    assert_role_matrix(
        world,
        method="post",
        url=f"/back-office/competences/{transfer.pk}/fin/",
        data={"end_date": "2026-06-30", "reason": "Fin du marché"},
        expected=STAFF_WRITES,
        state=lambda: rows(CompetenceTransfer.objects.all()),
    )
    transfer.refresh_from_db()
    assert transfer.end_date == datetime.date(2026, 6, 30)
    response = login_as(client, world.staff).post(
        f"/back-office/competences/{transfer.pk}/fin/", {"end_date": "2020-01-01"}
    )
    assert response.status_code == 400 and "La date de fin doit suivre la date de début." in response.content.decode()
