"""Evidence pages: the role matrix on every route (operators habilitated for the site's images act; members' users
and other staff get 404; the public key is public), and the requisition pages end to end."""

import datetime
import io
import zipfile

import pytest
from django.test import Client
from django.utils.timezone import localtime

from mutualis.core.models import AuditEntry
from mutualis.core.testing import login_as
from mutualis.members.testing import assert_role_matrix, rows
from mutualis.purchasing.choices import ItemCategory
from mutualis.purchasing.tests.factories import CatalogueItemFactory
from mutualis.supervision.models.evidence import AccessRequest, Handover, RegisterEntry, Requisition, RiskStudy
from mutualis.supervision.services import access_requests, requisitions, studies
from mutualis.supervision.tests.evidence_factories import ago, habilitated_site, isolate_files, recording

pytestmark = pytest.mark.django_db

OPERATOR_GET = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 200}
OPERATOR_POST = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    isolate_files(settings, tmp_path)


@pytest.fixture
def scene(world):
    protected, camera = habilitated_site(site=world.site_a, user=world.staff)
    start = ago(hours=3)
    rec = recording(camera, start=start)
    requisition = requisitions.requisition_create(
        protected_site=protected,
        acting_user=world.staff,
        number="PV-1",
        legal_basis="cpp_60_1",
        officer_name="Lt Martin",
        officer_quality="OPJ",
        service="Commissariat",
        received_on=datetime.date.today(),
    )
    requisitions.requisition_range_add(
        requisition=requisition,
        device=camera,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=5),
        acting_user=world.staff,
    )
    request = access_requests.access_request_create(
        protected_site=protected,
        acting_user=world.staff,
        device=camera,
        kind="access",
        requester_name="M. Petit",
        requester_contact="petit@example.fr",
        identity_checked=True,
        received_on=datetime.date.today(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    return protected, camera, rec, requisition, request, start


@pytest.mark.parametrize(
    "url",
    [
        "/supervision/preuves/",
        "/supervision/requisitions/",
        "/supervision/requisitions/nouvelle/",
        "/supervision/demandes-acces/",
        "/supervision/demandes-acces/nouvelle/",
        "/supervision/registre/",
        "/supervision/registre/?format=csv",
        "/supervision/registre-acces/",
        "/supervision/registre-acces/?format=csv",
    ],
)
def test_operator_pages_matrix(world, scene, url):
    """Evidence pages are for supervision operators; members' users get 404."""
    assert_role_matrix(world, method="get", url=url, expected=OPERATOR_GET)


def test_object_pages_matrix(world, scene):
    """A requisition, an access request: habilitated operators only (a recording's playback: test_views_live)."""
    _, _, rec, requisition, request, _ = scene
    for url in (
        f"/supervision/requisitions/{requisition.pk}/",
        f"/supervision/demandes-acces/{request.pk}/",
    ):
        assert_role_matrix(world, method="get", url=url, expected=OPERATOR_GET)


def test_operator_not_habilitated_gets_404(world, scene):
    """An operator without a habilitation for the site's images does not see its requisition (404)."""
    from mutualis.supervision.tests.factories import supervision_operator

    client = Client()
    login_as(client, supervision_operator("autre@operateur.example.fr"))
    assert client.get(f"/supervision/requisitions/{scene[3].pk}/").status_code == 404
    assert client.get("/supervision/requisitions/").context["page"].paginator.count == 0


def test_public_key_is_public(world, scene):
    """The public key page and PEM are open to all, so that a court verifies an export."""
    everyone = {"anonymous": 200, "other_member": 200, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url="/supervision/preuves/cle-publique/", expected=everyone)
    response = Client().get("/supervision/preuves/cle-publique.pem")
    assert response.content.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_requisition_writes_matrix(world, scene):
    """Adding a range, extracting and handing over: habilitated operators only; refused ones change nothing."""
    protected, camera, _, requisition, _, start = scene
    state = lambda: (rows(Requisition.objects.all()), Handover.objects.count(), RegisterEntry.objects.count())  # noqa: E731
    data = {
        "device": camera.pk,
        "starts_at": f"{localtime(start):%Y-%m-%dT%H:%M}",
        "ends_at": f"{localtime(start + datetime.timedelta(minutes=3)):%Y-%m-%dT%H:%M}",
    }
    base = f"/supervision/requisitions/{requisition.pk}"
    assert_role_matrix(world, method="post", url=f"{base}/plages/", data=data, expected=OPERATOR_POST, state=state)
    assert_role_matrix(world, method="post", url=f"{base}/extraire/", expected=OPERATOR_POST, state=state)
    handover = {"support": "usb", "recipient_name": "Lt Martin", "recipient_quality": "OPJ", "confirm": "on"}
    expected = OPERATOR_POST | {"staff": 302}
    assert_role_matrix(world, method="post", url=f"{base}/remettre/", data=handover, expected=expected, state=state)


def test_requisition_pages_end_to_end(world, scene):
    """Create by the form (French errors on bad input, nothing written), extract, hand over only once confirmed,
    download the signed ZIP (logged in the access register)."""
    protected, camera, _, _, _, start = scene
    client = Client()
    login_as(client, world.staff)
    before = Requisition.objects.count()
    bad = client.post(
        "/supervision/requisitions/nouvelle/",
        {"protected_site": protected.pk, "number": "", "legal_basis": "cpp_60_1", "received_on": "2999-01-01"},
    )
    assert bad.status_code == 400 and "Ce champ est obligatoire." in bad.content.decode()
    assert Requisition.objects.count() == before
    response = client.post(
        "/supervision/requisitions/nouvelle/",
        {
            "protected_site": protected.pk,
            "number": "PV-2",
            "legal_basis": "cpp_77_1_1",
            "officer_name": "Cne Leroy",
            "officer_quality": "OPJ",
            "service": "Brigade de recherches",
            "received_on": f"{datetime.date.today():%Y-%m-%d}",
        },
    )
    requisition = Requisition.objects.get(number="PV-2")
    assert response.status_code == 302
    base = f"/supervision/requisitions/{requisition.pk}"
    client.post(
        f"{base}/plages/",
        {
            "device": camera.pk,
            "starts_at": f"{localtime(start):%Y-%m-%dT%H:%M}",
            "ends_at": f"{localtime(start + datetime.timedelta(minutes=5)):%Y-%m-%dT%H:%M}",
        },
    )
    assert client.post(f"{base}/extraire/").status_code == 302
    refused = client.post(
        f"{base}/remettre/", {"support": "usb", "recipient_name": "Cne Leroy", "recipient_quality": "OPJ"}
    )
    assert refused.status_code == 400 and "Confirmez la remise" in refused.content.decode()
    assert not Handover.objects.filter(requisition=requisition).exists()
    done = client.post(
        f"{base}/remettre/",
        {"support": "usb", "recipient_name": "Cne Leroy", "recipient_quality": "OPJ", "confirm": "on"},
    )
    assert done.status_code == 302
    handover = Handover.objects.get(requisition=requisition)
    download = client.get(f"/supervision/remises/{handover.pk}/export.zip")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert "manifest.json.sig" in archive.namelist()
    assert AuditEntry.objects.filter(action="supervision.export_download", actor=world.staff).exists()
    csv = client.get("/supervision/registre/?format=csv").content.decode("utf-8-sig")
    assert "Transmission à l'autorité judiciaire" in csv and "Cne Leroy" in csv
    access_csv = client.get("/supervision/registre-acces/?format=csv").content.decode("utf-8-sig")
    assert "Images exportées" in access_csv


def test_evidence_list_plays_back_through_the_one_playback_page(world, scene):
    """« Relire » on the evidence list leads to the platform's one playback (reason asked, logged, then the
    player); the former evidence-only playback address is gone."""
    rec = scene[2]
    client = login_as(Client(), world.staff)
    page = client.get("/supervision/preuves/").content.decode()
    assert f'href="/supervision/enregistrements/{rec.pk}/lecture/"' in page
    asked = client.get(f"/supervision/enregistrements/{rec.pk}/lecture/")
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    assert client.get(f"/supervision/enregistrements/{rec.pk}/relire/").status_code == 404


def test_access_request_answer_page(world, scene):
    """The answer form: a refusal without its ground is sent back in French, nothing changes."""
    request = scene[4]
    client = Client()
    login_as(client, world.staff)
    before = rows(AccessRequest.objects.all())
    response = client.post(f"/supervision/demandes-acces/{request.pk}/", {"decision": "refused", "answer": "Non."})
    assert response.status_code == 400 and "L253-5" in response.content.decode()
    assert rows(AccessRequest.objects.all()) == before


def test_study_routes_matrix(world):
    """Studies: members' users read their own; agents and managers ask and order; operators assess; others 404."""
    study = studies.study_request(site=world.site_a, request_note="Besoin", acting_user=world.agent)
    item = CatalogueItemFactory(category=ItemCategory.VIDEO_PROTECTION, label="Caméra dôme")
    read = {"other_member": 404, "reader": 200, "agent": 200, "manager": 200, "staff": 200}
    assert_role_matrix(world, method="get", url="/supervision/etudes/", expected=read | {"other_member": 200})
    assert_role_matrix(world, method="get", url=f"/supervision/etudes/{study.pk}/", expected=read)
    state = lambda: (rows(RiskStudy.objects.all()), study.lines.count())  # noqa: E731
    operator_post = {"other_member": 404, "reader": 404, "agent": 404, "manager": 404, "staff": 302}
    assert_role_matrix(
        world,
        method="post",
        url=f"/supervision/etudes/{study.pk}/line/",
        data={"item": item.pk, "quantity": 2},
        expected=operator_post,
        state=state,
    )
    assert_role_matrix(
        world,
        method="post",
        url=f"/supervision/etudes/{study.pk}/assess/",
        data={"threats": "Intrusions", "recommendations": "Caméras"},
        expected=operator_post,
        state=state,
    )
    assert_role_matrix(
        world, method="post", url=f"/supervision/etudes/{study.pk}/quote/", expected=operator_post, state=state
    )
    order = {"other_member": 404, "reader": 403, "agent": 302, "manager": 400, "staff": 404}
    assert_role_matrix(world, method="post", url=f"/supervision/etudes/{study.pk}/order/", expected=order, state=state)
    study.refresh_from_db()
    assert study.status == "ordered"
