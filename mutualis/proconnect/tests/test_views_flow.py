"""The whole « S'identifier avec ProConnect » flow against a real OpenID Connect provider on loopback (oidc-provider,
configured like ProConnect: signed userinfo JWT, its claims, `amr` on demand, end-session)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualis.accounts.models import User
from mutualis.accounts.tests.factories import PASSWORD, StaffFactory
from mutualis.core.models import AuditEntry, Notification
from mutualis.members.models import JoinRequestStatus, Membership, MembershipRequest
from mutualis.members.tests.factories import make_siret
from mutualis.proconnect.models import PendingLink, ProConnectIdentity
from mutualis.proconnect.testing.local_provider import LocalProvider
from mutualis.proconnect.tests.conftest import SITE

pytestmark = pytest.mark.django_db
AGENT_PASSWORD = "mot-de-passe-agent"


def _agent(email, *, siret, idp_id="fi-mairie", sub=None, amr=None, given_name="Camille", usual_name="Durand"):
    account = {
        "given_name": given_name,
        "usual_name": usual_name,
        "siret": siret,
        "idp_id": idp_id,
        "password": AGENT_PASSWORD,
    }
    if sub:
        account["sub"] = sub
    if amr:
        account["amr"] = amr
    return {email: account}


def _start(client):
    response = client.post(reverse("proconnect:start"))
    assert response.status_code == 302
    return response["Location"]


def _callback(client, provider, email):
    """Log in at the provider as `email`: the callback URL it sends back to (not yet opened)."""
    return provider.sign_in(_start(client), email=email, password=AGENT_PASSWORD, site=SITE)


def _open(client, url):
    return client.get(url.removeprefix(SITE))


def _login(client, provider, email):
    return _open(client, _callback(client, provider, email))


def _actions(action):
    return list(AuditEntry.objects.filter(action=action).values_list("after", flat=True))


def test_known_agent_lands_in_member_space(proconnect, client, world):
    """An agent whose ProConnect identity is linked signs in and lands in their member space; the login is audited
    with the identity provider."""
    ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-agent", email=world.agent.email)
    proconnect.add_accounts(_agent(world.agent.email, siret=world.member_a.siret, sub="sub-agent"))
    response = _login(client, proconnect, world.agent.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:space")
    assert client.session["_auth_user_id"] == str(world.agent.pk)
    assert client.session["proconnect_id_token"].count(".") == 2
    assert {"idp_id": "fi-mairie", "mfa": False, "via": "proconnect"}.items() <= _actions("proconnect.login")[0].items()
    page = client.get(reverse("members:space"))
    assert world.member_a.name in page.content.decode()


def test_new_agent_of_a_member_is_pending_until_the_manager_approves(proconnect, client, world):
    """A new agent whose SIRET's SIREN is a member's gets an account and a pending request, no role and no member
    data until a manager approves it from « Utilisateurs »; the manager is notified, everything is audited."""
    email = "nouvel.agent@versailles.fr"
    proconnect.add_accounts(_agent(email, siret=make_siret(world.member_a.siren, "0042")))
    response = _login(client, proconnect, email)
    assert response["Location"] == reverse("proconnect:pending")
    user = User.objects.get(email=email)
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Camille", "Durand", False)
    join_request = MembershipRequest.objects.get(user=user)
    assert join_request.member == world.member_a and join_request.status == JoinRequestStatus.PENDING
    assert not Membership.objects.filter(user=user).exists()
    assert client.get(reverse("members:space_member", args=[world.member_a.pk])).status_code == 404
    assert Notification.objects.filter(recipient=world.manager, kind="membership.request").exists()
    assert "Versailles" in client.get(reverse("proconnect:pending")).content.decode()

    manager = client_for(world.manager)
    space = manager.get(reverse("members:space_member", args=[world.member_a.pk])).content.decode()
    assert "Demandes de rattachement à approuver" in space and email in space
    approve = reverse("members:join_request_approve", args=[join_request.pk])
    response = manager.post(approve, {f"r{join_request.pk}-role": "agent"})
    assert response.status_code == 302
    assert Membership.objects.get(user=user, member=world.member_a).role == "agent"
    assert Notification.objects.filter(recipient=user, kind="membership.request_answered").exists()
    assert _actions("membership.request_approve") and _actions("proconnect.account_create")
    assert client.get(reverse("members:space_member", args=[world.member_a.pk])).status_code == 200


def client_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_unknown_siret_invites_the_structure_to_ask_for_adhesion(proconnect, client, world):
    """An agent whose SIRET is no member's gets no account: a page invites their structure to ask for adhésion,
    with the form pre-filled; the refusal is audited with the identity provider."""
    siret = make_siret("130025265", "0001")  # a valid SIREN that no member of the world has
    proconnect.add_accounts(_agent("agent@ailleurs.fr", siret=siret, idp_id="fi-ailleurs"))
    response = _login(client, proconnect, "agent@ailleurs.fr")
    assert response.status_code == 200
    page = response.content.decode()
    assert "pas encore adhérente" in page
    adhesion = urlsplit(response.context["adhesion_url"])
    assert adhesion.path == reverse("members:adhesion_request")
    assert parse_qs(adhesion.query) == {
        "siret": [siret],
        "siren": [siret[:9]],
        "contact_name": ["Camille Durand"],
        "contact_email": ["agent@ailleurs.fr"],
    }
    assert not User.objects.filter(email="agent@ailleurs.fr").exists()
    assert _actions("proconnect.refuse")[0]["reason"] == "no_member"
    assert _actions("proconnect.refuse")[0]["idp_id"] == "fi-ailleurs"
    form = client.get(response.context["adhesion_url"]).content.decode()
    assert f'value="{siret}"' in form and 'value="agent@ailleurs.fr"' in form


def test_invalid_siret_is_refused_with_a_message(proconnect, client, world):
    """A SIRET whose Luhn key is wrong is refused with a message, and nothing is created."""
    proconnect.add_accounts(_agent("agent@faux-siret.fr", siret="21780646800019"))
    response = _login(client, proconnect, "agent@faux-siret.fr")
    assert response.status_code == 403
    assert "est pas valide" in response.content.decode()
    assert not User.objects.filter(email="agent@faux-siret.fr").exists()
    assert _actions("proconnect.refuse")[0]["reason"] == "siret_invalid"


def test_email_of_a_local_account_is_linked_only_after_a_password_login(proconnect, client, world):
    """An agent whose e-mail is a local account's is not signed in nor linked silently: once they log in with the
    account's password, they confirm and the identity is linked (audited with the proof)."""
    proconnect.add_accounts(_agent(world.reader.email, siret=world.member_a.siret, idp_id="fi-mairie"))
    response = _login(client, proconnect, world.reader.email)
    assert response["Location"] == reverse("proconnect:link")
    assert "_auth_user_id" not in client.session
    assert not ProConnectIdentity.objects.exists()
    page = client.get(reverse("proconnect:link"))
    assert "bien le vôtre" in page.content.decode()
    login = client.post(
        reverse("accounts:login") + "?next=" + reverse("proconnect:link"),
        {"email": world.reader.email, "password": PASSWORD},
    )
    assert login["Location"] == reverse("proconnect:link")
    assert client.post(reverse("proconnect:link"))["Location"] == reverse("members:space")
    identity = ProConnectIdentity.objects.get()
    assert (identity.user, identity.idp_id) == (world.reader, "fi-mairie")
    assert _actions("proconnect.link")[0]["proof"] == "password"

    # Next time the same identity signs in directly.
    client.logout()
    assert _login(client, proconnect, world.reader.email)["Location"] == reverse("members:space")


def test_email_of_a_local_account_is_linked_after_the_emailed_link(proconnect, client, world):
    """The owner may prove the address by the one-use link e-mailed to it: the link signs them in, linked; it does
    not work twice."""
    proconnect.add_accounts(_agent(world.agent.email, siret=world.member_a.siret))
    _login(client, proconnect, world.agent.email)
    client.post(reverse("proconnect:link"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.agent.email]
    url = next(line for line in mail.outbox[0].body.splitlines() if "/compte/proconnect/lier/" in line).strip()
    from django.test import Client  # the link works in any browser, not only the one that started

    fresh = Client()
    assert fresh.get(url.removeprefix(SITE)).status_code == 200
    assert not ProConnectIdentity.objects.exists()
    response = fresh.post(url.removeprefix(SITE))
    assert response.status_code == 302
    assert fresh.session["_auth_user_id"] == str(world.agent.pk)
    assert ProConnectIdentity.objects.get().user == world.agent
    assert _actions("proconnect.link")[0]["proof"] == "email"
    assert Client().post(url.removeprefix(SITE)).status_code == 404
    assert PendingLink.objects.get().used_at is not None


def test_tampered_state_is_refused(proconnect, client, world):
    """A callback whose `state` is not the one kept in the session is refused before the code is used."""
    ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-state", email=world.agent.email)
    proconnect.add_accounts(_agent(world.agent.email, siret=world.member_a.siret, sub="sub-state"))
    url = _callback(client, proconnect, world.agent.email)
    query = parse_qs(urlsplit(url).query)
    tampered = f"{reverse('proconnect:callback')}?code={query['code'][0]}&state={query['state'][0][:-2]}xx"
    response = client.get(tampered)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert _actions("proconnect.refuse")[0]["reason"] == "state_mismatch"


def test_nonce_of_another_request_and_replayed_callback_are_refused(proconnect, client, world):
    """An ID token carrying the nonce of another authorization request is refused; a callback replayed after a
    successful login is refused too (state and nonce are one-use)."""
    from django.test import Client

    ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-nonce", email=world.agent.email)
    proconnect.add_accounts(_agent(world.agent.email, siret=world.member_a.siret, sub="sub-nonce"))
    victim = Client()
    victim_state = parse_qs(urlsplit(_start(victim)).query)["state"][0]
    attacker_url = _callback(client, proconnect, world.agent.email)
    code = parse_qs(urlsplit(attacker_url).query)["code"][0]
    response = victim.get(f"{reverse('proconnect:callback')}?code={code}&state={victim_state}")
    assert response.status_code == 400
    assert "_auth_user_id" not in victim.session
    assert _actions("proconnect.refuse")[0]["reason"] == "id_token_claims"

    proconnect.browser.cookies.clear()
    good = _callback(client, proconnect, world.agent.email)
    assert _open(client, good).status_code == 302
    client.logout()
    assert _open(client, good).status_code == 400


def test_expired_code_is_refused(proconnect, client, world):
    """A code used after its 30 seconds is refused by the provider, and the agent is not signed in."""
    ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-code", email=world.agent.email)
    proconnect.add_accounts(_agent(world.agent.email, siret=world.member_a.siret, sub="sub-code"))
    url = _callback(client, proconnect, world.agent.email)
    proconnect.expire_codes()
    response = _open(client, url)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert _actions("proconnect.refuse")[0]["reason"] == "token_refused"


def test_id_token_signed_by_another_key_is_refused(client, world, settings):
    """When what the provider signs does not verify with the keys it publishes, the login is refused."""
    from mutualis.proconnect import oidc
    from mutualis.proconnect.testing.local_provider import CLIENT_ID, CLIENT_SECRET

    rogue = LocalProvider.start(
        redirect_uris=[SITE + reverse("proconnect:callback")],
        post_logout_redirect_uris=[],
        accounts=_agent(world.agent.email, siret=world.member_a.siret, sub="sub-key"),
    )
    try:
        settings.SITE_ROOT, settings.PROCONNECT_DOMAIN = SITE, rogue.origin
        settings.PROCONNECT_CLIENT_ID, settings.PROCONNECT_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
        oidc.clear_cache()
        ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-key", email=world.agent.email)
        url = _callback(client, rogue, world.agent.email)
        rogue.publish_other_key()
        response = _open(client, url)
    finally:
        rogue.stop()
        oidc.clear_cache()
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert _actions("proconnect.refuse")[0]["reason"] == "id_token_signature"


def test_logout_goes_through_the_providers_end_session(proconnect, client, world):
    """Logging out of a ProConnect session ends it at the provider (id_token_hint, state, post_logout_redirect_uri);
    the returning state is checked; the logout is audited with the identity provider."""
    ProConnectIdentity.objects.create(user=world.agent, idp_id="fi-mairie", sub="sub-out", email=world.agent.email)
    proconnect.add_accounts(_agent(world.agent.email, siret=world.member_a.siret, sub="sub-out"))
    _login(client, proconnect, world.agent.email)
    id_token = client.session["proconnect_id_token"]
    response = client.post(reverse("accounts:logout"))
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == proconnect.issuer + "/session/end"
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [SITE + reverse("proconnect:logout_return")]
    assert len(query["state"][0]) >= 32
    assert "_auth_user_id" not in client.session
    assert _actions("proconnect.logout")[0]["idp_id"] == "fi-mairie"
    back = proconnect.end_session(response["Location"], site=SITE)
    assert parse_qs(urlsplit(back).query)["state"] == query["state"]
    page = client.get(back.removeprefix(SITE), follow=True)
    assert "aussi déconnecté de ProConnect" in page.content.decode()
    # A second return (or a forged one) is not taken for a logout we asked for.
    assert client.get(back.removeprefix(SITE)).status_code == 302
    assert _actions("proconnect.refuse")[0]["reason"] == "logout_state_mismatch"


def test_staff_keep_totp_unless_the_provider_did_mfa(proconnect, client, world):
    """Operator staff signed in by ProConnect still pass TOTP, unless the ID token's amr says the provider did
    multi-factor authentication."""
    staff = StaffFactory(email="technicien@operateur.fr")
    TOTPDevice.objects.create(user=staff, name="Téléphone", confirmed=True)
    ProConnectIdentity.objects.create(user=staff, idp_id="fi-op", sub="sub-staff", email=staff.email)
    mfa_staff = StaffFactory(email="directrice@operateur.fr")
    ProConnectIdentity.objects.create(user=mfa_staff, idp_id="fi-op", sub="sub-mfa", email=mfa_staff.email)
    proconnect.add_accounts(_agent(staff.email, siret="", idp_id="fi-op", sub="sub-staff", amr=["pwd"]))
    proconnect.add_accounts(_agent(mfa_staff.email, siret="", idp_id="fi-op", sub="sub-mfa", amr=["pwd", "mfa"]))
    assert _login(client, proconnect, staff.email)["Location"] == reverse("accounts:login_verify")
    assert client.get(reverse("members:backoffice_member_list"))["Location"] == reverse("accounts:login_verify")

    from django.test import Client

    other = Client()
    proconnect.browser.cookies.clear()
    response = _open(
        other, proconnect.sign_in(_start(other), email=mfa_staff.email, password=AGENT_PASSWORD, site=SITE)
    )
    assert response["Location"] == reverse("core:dashboard")
    # Verified: the back-office opens (an unverified staff session is sent to the TOTP step instead).
    assert other.get(reverse("members:backoffice_member_list")).status_code == 200
    assert sorted(entry["mfa"] for entry in _actions("proconnect.login")) == [False, True]


def test_button_shows_only_when_configured(client, settings):
    """The login page shows the ProConnect button (and its « Qu'est-ce que ProConnect ? » link) only when the
    domain, client id and secret are set; the start URL answers 404 otherwise."""
    settings.PROCONNECT_DOMAIN = ""
    page = client.get(reverse("accounts:login")).content.decode()
    assert "proconnect-button" not in page
    assert client.post(reverse("proconnect:start")).status_code == 404
    settings.PROCONNECT_DOMAIN, settings.PROCONNECT_CLIENT_ID, settings.PROCONNECT_CLIENT_SECRET = "x.fr", "id", "s"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "identifier avec" in page and "https://www.proconnect.gouv.fr/" in page
