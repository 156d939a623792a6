"""The operator's fibre pages: who opens them, who writes (network officers), what they show and export."""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mutualis.accounts.tests.factories import StaffFactory
from mutualis.core.testing import login_as
from mutualis.fibre.choices import ImportStatus, PMZoneState
from mutualis.fibre.models import DeploymentPlan, FibreImport, PMZone, YearlyTarget
from mutualis.fibre.tests.factories import (
    AddressFactory,
    PlanFactory,
    PMZoneFactory,
    TargetFactory,
    gracethd_file,
    gracethd_line,
    network_officer,
    purchasing_officer,
    run_import,
    with_staff,
)
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.members.tests.factories import commune

pytestmark = pytest.mark.django_db

SEQUENCE = itertools.count()
MEMBERS_404 = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404}


@pytest.fixture
def network(world, settings, tmp_path):
    """Versailles (member A's commune) in the plan: targets, a commissioned PM, a late one, addresses; an import."""
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory(commune=world.site_a.commune, premises_planned=50)
    TargetFactory(plan=plan, year=2025, premises=20)
    TargetFactory(plan=plan, year=2026, premises=20)
    zone = PMZoneFactory(reference="PM-78646-01", commune=plan.commune)
    late = PMZoneFactory(
        reference="PM-78646-02",
        commune=plan.commune,
        state=PMZoneState.IN_PROGRESS,
        commissioned_on=None,
        planned_on=datetime.date(2025, 1, 15),
    )
    AddressFactory(pm_zone=zone, dwellings=6, connected_on=datetime.date(2025, 6, 1))
    AddressFactory(pm_zone=zone, dwellings=4)
    refused = run_import(gracethd_file([gracethd_line("AD1", insee="99999")]), name="mauvais.csv")
    return {"plan": plan, "zone": zone, "late": late, "import": refused}


def staff_pages(network):
    refused = network["import"]
    return [
        "/fibre/back-office/",
        "/fibre/back-office/?departement=78",
        "/fibre/back-office/avancement.csv",
        "/fibre/back-office/trimestres.csv",
        "/fibre/back-office/communes/78646/",
        "/fibre/back-office/communes/78646/trimestres.csv",
        "/fibre/back-office/zones-pm/",
        "/fibre/back-office/zones-pm/?late=true",
        "/fibre/back-office/zones-pm.csv",
        "/fibre/back-office/adresses/",
        "/fibre/back-office/adresses/?commune=78646&state=DE",
        "/fibre/back-office/imports/",
        f"/fibre/back-office/imports/{refused.pk}/",
        f"/fibre/back-office/imports/{refused.pk}/progression/",
        f"/fibre/back-office/imports/{refused.pk}/rejets.csv",
    ]


def test_every_operator_page_is_for_staff_only(world, network):
    """Every back-office page and export opens for operator staff (any role); members' users get 404."""
    other_staff = login_as(Client(), purchasing_officer())
    for url in staff_pages(network):
        assert_role_matrix(world, method="get", url=url, expected=MEMBERS_404 | {"staff": 200})
        assert other_staff.get(url).status_code == 200, url


def test_an_unknown_commune_or_import_is_404(world, network):
    """A commune without a plan, an unknown import or PM zone: 404."""
    client = login_as(Client(), world.staff)
    for url in (
        "/fibre/back-office/communes/92012/",
        "/fibre/back-office/imports/999/",
        "/fibre/back-office/zones-pm/999/etat/",
    ):
        assert client.get(url).status_code == 404


WRITES = {
    "plan_create": (
        "/fibre/back-office/communes/nouvelle/",
        {"commune": "78686", "premises_planned": "500"},
        lambda: rows(DeploymentPlan.objects.all()),
    ),
    "plan_update": (
        "/fibre/back-office/communes/78646/modifier/",
        {"premises_planned": "60", "contractor": "Nouveau titulaire"},
        lambda: rows(DeploymentPlan.objects.all()),
    ),
    "target": (
        "/fibre/back-office/communes/78646/objectif/",
        {"year": "2027", "premises": "10"},
        lambda: rows(YearlyTarget.objects.all()),
    ),
    "pm_zone_create": (
        "/fibre/back-office/communes/78646/zones-pm/nouvelle/",
        lambda role: {"reference": f"PM-NEW-{next(SEQUENCE)}", "premises_planned": "200", "planned_on": "2026-09-01"},
        lambda: rows(PMZone.objects.all()),
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_network_officers_and_administrators_keep_the_plan(world, network, write):
    """Administrators and network officers change the plan (302 to its page); other staff get 403, members' users
    404, and a refused request changes nothing."""
    url, data, state = WRITES[write]
    commune("78686")
    for staff, status in ((world.staff, 302), (network_officer(), 302), (purchasing_officer(), 403)):
        assert_role_matrix(
            with_staff(world, staff),
            method="post",
            url=url,
            data=data,
            expected=MEMBERS_404 | {"staff": status},
            state=state,
        )
        DeploymentPlan.objects.filter(commune__insee_code="78686").delete()


def test_a_pm_zone_is_commissioned_through_its_transition_page(world, network):
    """The transition page offers the table's next states; commissioning sets the date (network officers only)."""
    late = network["late"]
    url = f"/fibre/back-office/zones-pm/{late.pk}/etat/"
    assert_role_matrix(
        with_staff(world, purchasing_officer()),
        method="post",
        url=url,
        data={"to_state": "commissioned", "on": "2025-11-02"},
        expected=MEMBERS_404 | {"staff": 403},
        state=lambda: rows(PMZone.objects.filter(pk=late.pk)),
    )
    client = login_as(Client(), network_officer())
    page = client.get(url).content.decode()
    assert 'value="commissioned"' in page and 'value="abandoned"' in page and 'value="planned"' not in page
    response = client.post(url, {"to_state": "commissioned", "on": "2025-11-02"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.state == PMZoneState.COMMISSIONED and late.commissioned_on == datetime.date(2025, 11, 2)


def test_a_refused_transition_shows_the_reason_on_the_form(network):
    """A commissioning without its date comes back with the service's French message and 400."""
    client = login_as(Client(), network_officer())
    response = client.post(f"/fibre/back-office/zones-pm/{network['late'].pk}/etat/", {"to_state": "commissioned"})
    assert response.status_code == 400
    assert "Indiquez la date de mise en service." in response.content.decode()


def test_the_dashboard_shows_the_plan_by_quarter_with_the_same_figures_in_tables(world, network):
    """The dashboard's chart has an accessible name, its JSON and a table of the same figures; per département and
    EPCI tables; late PM zones flagged."""
    html = login_as(Client(), world.staff).get("/fibre/back-office/").content.decode()
    assert 'id="chart-progress" role="img" aria-labelledby="chart-progress-title"' in html
    assert '<script id="chart-progress-data" type="application/json">' in html
    assert "<caption>Locaux raccordables et raccordés, cumulés, face à l'objectif du plan</caption>" in html
    assert "Avancement par département" in html and "Avancement par intercommunalité" in html
    assert "PM-78646-02" in html and "Zones PM en retard" in html
    assert "mauvais.csv" in html


def test_the_communes_export_has_one_line_per_commune(world, network):
    """The communes CSV (semicolons, decimal commas) gives the figures of each planned commune."""
    body = login_as(Client(), world.staff).get("/fibre/back-office/avancement.csv").content.decode("utf-8-sig")
    header, line = body.strip().split("\r\n")
    assert header.startswith("Code INSEE;Commune;Département;EPCI;Locaux à desservir")
    assert line.startswith("78646;Versailles;78;CA Versailles Grand Parc (CAVGP);50;10;10;20,0;6;60,0;2;1;1;2026")


def test_the_quarters_export_follows_the_plan(world, network):
    """The quarterly CSV has one line per quarter of the plan, with target, connectable and connected premises."""
    body = login_as(Client(), world.staff).get("/fibre/back-office/trimestres.csv").content.decode("utf-8-sig")
    lines = body.strip().split("\r\n")
    assert lines[0] == "Trimestre;Fin du trimestre;Objectif du plan;Locaux raccordables;Locaux raccordés"
    assert "T1 2025;2025-03-31;5;10;0" in lines and lines[-1].startswith("T4 2026;2026-12-31;40")


def test_the_plan_page_shows_targets_zones_and_their_delays(world, network):
    """A commune's plan page lists its yearly targets and its PM zones, the late one with its delay."""
    html = login_as(Client(), network_officer()).get("/fibre/back-office/communes/78646/").content.decode()
    assert '<th scope="row">2026</th>' in html
    assert "PM-78646-02" in html and "En retard de" in html
    assert "Ajouter une zone PM" in html


def test_other_staff_see_no_write_buttons(network):
    """A purchasing officer reads the plan page and the import history without their forms."""
    client = login_as(Client(), purchasing_officer())
    assert "Ajouter une zone PM" not in client.get("/fibre/back-office/communes/78646/").content.decode()
    assert 'enctype="multipart/form-data"' not in client.get("/fibre/back-office/imports/").content.decode()


def test_a_network_officer_uploads_a_file_and_follows_its_import(network, django_capture_on_commit_callbacks):
    """Uploading starts the import in the worker (inline in tests) and leads to its page, which shows the result."""
    client = login_as(Client(), network_officer())
    upload = SimpleUploadedFile("IPE.csv", gracethd_file([gracethd_line("AD9", pm="PM-78646-01")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fibre/back-office/imports/", {"layout": "gracethd", "file": upload})
    fibre_import = FibreImport.objects.get(file_name="IPE.csv")
    assert response.status_code == 302 and response["Location"] == f"/fibre/back-office/imports/{fibre_import.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert fibre_import.status == ImportStatus.DONE or "Import terminé" in html
    assert "Import terminé : 1 lignes, 1 adresses nouvelles" in html and "hx-trigger" not in html


def test_an_upload_without_a_file_is_refused_on_the_form(network):
    """No file: the form says so in French (400) and no import starts."""
    client = login_as(Client(), network_officer())
    before = FibreImport.objects.count()
    response = client.post("/fibre/back-office/imports/", {"layout": "gracethd"})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    assert FibreImport.objects.count() == before


def test_a_running_import_is_polled_until_it_ends(world, network):
    """While an import runs its progress block polls every second; once finished it stops and shows the report."""
    running = FibreImport.objects.create(layout="ipe", file_name="gros.csv", size=1000, bytes_read=420)
    client = login_as(Client(), world.staff)
    html = client.get(f"/fibre/back-office/imports/{running.pk}/progression/").content.decode()
    assert f'hx-get="/fibre/back-office/imports/{running.pk}/progression/"' in html and 'hx-trigger="every 1s"' in html
    assert 'value="42" max="100"' in html
    refused = client.get(f"/fibre/back-office/imports/{network['import'].pk}/progression/").content.decode()
    assert "hx-trigger" not in refused
    assert "Commune inconnue : code INSEE « 99999 »." in refused and "Fichier refusé" in refused


def test_the_report_of_rejected_lines_downloads_as_csv(world, network):
    """The rejected lines download with their number, column, value and reason."""
    url = f"/fibre/back-office/imports/{network['import'].pk}/rejets.csv"
    body = login_as(Client(), world.staff).get(url).content.decode("utf-8-sig")
    assert body.split("\r\n")[:2] == [
        "Ligne;Colonne;Valeur;Motif",
        "2;ad_insee;99999;Commune inconnue : code INSEE « 99999 ».",
    ]


def test_bad_filters_answer_400_with_the_list_unfiltered(world, network):
    """An unknown département in the filters: 400, a French message, every row still shown."""
    response = login_as(Client(), world.staff).get("/fibre/back-office/zones-pm/?state=flying")
    assert response.status_code == 400 and "Certains filtres sont invalides" in response.content.decode()


def test_the_address_list_finds_an_address_by_hexacle(world, network):
    """Addresses are searched by identifier, hexaclé, BAN id or label."""
    AddressFactory(pm_zone=network["zone"], code="IMB-HEX", hexacle="7864612345")
    html = login_as(Client(), world.staff).get("/fibre/back-office/adresses/?q=7864612345").content.decode()
    assert "IMB-HEX" in html and "1 résultat" in html


def test_commune_choices_of_a_new_plan_leave_out_planned_communes(network):
    """The new plan form offers the communes without a plan."""
    commune("78686")
    html = login_as(Client(), network_officer()).get("/fibre/back-office/communes/nouvelle/").content.decode()
    assert 'value="78686"' in html and 'value="78646"' not in html


def test_the_admin_shows_the_fibre_data_read_only(world, network):
    """The platform's superuser browses plans, PM zones, addresses and imports in the Django admin; nothing can be
    changed there."""
    client = login_as(Client(), StaffFactory(email="root@operateur.example.fr", is_superuser=True))
    for model in ("deploymentplan", "pmzone", "address", "fibreimport"):
        assert client.get(f"/admin/fibre/{model}/").status_code == 200
    assert client.get(f"/admin/fibre/pmzone/{network['zone'].pk}/change/").status_code == 200
    assert client.get("/admin/fibre/address/add/").status_code == 403
    before = rows(PMZone.objects.all())
    client.post(f"/admin/fibre/pmzone/{network['zone'].pk}/change/", {"reference": "X"})
    assert rows(PMZone.objects.all()) == before
