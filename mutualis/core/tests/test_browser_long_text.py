"""Browser: long unbroken text (a 200-character member or site name, a 100-character deliberation reference) wraps
inside its column and its definition list instead of stretching the page past the viewport."""

import datetime

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, login
from mutualis.members.models import MemberStatusChange
from mutualis.members.testing import build_world
from mutualis.members.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_NAME = "Commune-" + "X" * 192  # 200 characters, no break opportunity
LONG_SITE = "Site-" + "Y" * 195
LONG_REFERENCE = "CS-" + "9" * 97


def _axe_at_desktop(page, width):
    # On a phone the wide tables scroll in their wrapper: every wrapper is focusable (tabindex="0"), so that a
    # keyboard user can scroll it (WCAG 2.1.1), and axe runs at both widths.
    axe_check(page)


def _page_width(page):
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", [1280, 390])
def test_long_unbroken_names_do_not_stretch_the_page(page, width):
    """The member space, the back-office member page and the member list, at desktop and phone widths, are no
    wider than the viewport with a 200-character name, site name and a 100-character reference."""
    world = build_world()
    member = world.member_a
    member.name = LONG_NAME
    member.save()
    factories.SiteFactory(member=member, name=LONG_SITE, kind="town_hall")
    MemberStatusChange.objects.create(
        member=member,
        from_status="requested",
        to_status="approved",
        deliberation_reference=LONG_REFERENCE,
        deliberation_date=datetime.date(2026, 3, 12),
    )
    page.set_viewport_size({"width": width, "height": 900})

    login(page, email=world.manager.email, password=PASSWORD)
    page.goto(f"/espace/{member.pk}/")
    expect(page.get_by_role("rowheader", name=LONG_SITE)).to_be_visible()
    scroll, viewport = _page_width(page)
    assert scroll <= viewport, f"member space: {scroll} px wide in a {viewport} px viewport"
    _axe_at_desktop(page, width)

    page.context.clear_cookies()
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    for url in (f"/back-office/adherents/{member.pk}/", "/back-office/adherents/"):
        page.goto(url)
        expect(page.get_by_text(LONG_NAME).first).to_be_visible()
        scroll, viewport = _page_width(page)
        assert scroll <= viewport, f"{url}: {scroll} px wide in a {viewport} px viewport"
        _axe_at_desktop(page, width)
