"""Browser: the house every page shares — the staff navigation's menus, notifications, the status page."""

import pytest
from playwright.sync_api import expect

from mutualis.accounts.tests.factories import PASSWORD
from mutualis.core.models import Notification
from mutualis.core.services import notify
from mutualis.core.testing import totp_device_for
from mutualis.core.testing_browser import axe_check, click_and_wait, login
from mutualis.members.testing import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav_rows(page) -> set[int]:
    """The distinct tops of the main navigation's entries (one value: one line)."""
    return set(
        page.evaluate(
            """() => Array.from(document.querySelectorAll(".nav > li"),
                   (li) => Math.round(li.getBoundingClientRect().top))"""
        )
    )


def test_staff_navigation_fits_one_line_and_its_menus_work_with_the_keyboard(page):
    """At 1280 px the staff's navigation, brand included, is one line; « Achats » opens with Enter, Escape closes
    it and gives focus back to its button, Space opens « Adhérents », and the open menu's links are reachable."""
    world = build_world()
    login(page, email=world.staff.email, password=PASSWORD, totp_device=totp_device_for(world.staff))
    page.wait_for_url("**/back-office/adherents/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    purchases = nav.get_by_role("button", name="Achats")
    expect(purchases).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Factures")).to_be_hidden()
    assert len(_nav_rows(page)) == 1, _nav_rows(page)
    brand, nav_box = page.locator(".brand").bounding_box(), nav.bounding_box()
    assert nav_box["y"] < brand["y"] + brand["height"], "the navigation wrapped under the brand"
    axe_check(page)

    purchases.focus()
    page.keyboard.press("Enter")
    expect(purchases).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Factures")).to_be_visible()
    page.keyboard.press("Tab")  # into the open menu: its first link
    expect(nav.get_by_role("link", name="Fournisseurs")).to_be_focused()
    axe_check(page)
    page.keyboard.press("Escape")
    expect(purchases).to_have_attribute("aria-expanded", "false")
    expect(purchases).to_be_focused()
    expect(nav.get_by_role("link", name="Factures")).to_be_hidden()

    members = nav.get_by_role("button", name="Adhérents")
    expect(members).to_have_class("nav-toggle current")  # the current page is in this menu
    members.focus()
    page.keyboard.press(" ")
    expect(members).to_have_attribute("aria-expanded", "true")
    current = nav.get_by_role("link", name="Adhérents")
    expect(current).to_have_attribute("aria-current", "page")
    page.keyboard.press("Tab")
    expect(current).to_be_focused()
    # Opening the other menu closes this one; a click elsewhere closes both.
    purchases.click()
    expect(members).to_have_attribute("aria-expanded", "false")
    expect(purchases).to_have_attribute("aria-expanded", "true")
    page.get_by_role("contentinfo").click(position={"x": 5, "y": 5})
    expect(purchases).to_have_attribute("aria-expanded", "false")
    purchases.click()
    click_and_wait(page, nav.get_by_role("link", name="Factures"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/achats/" in page.url
    axe_check(page)


def test_member_navigation_fits_one_line(page):
    """A member's manager sees their navigation on one line at 1280 px, the purchases grouped in one menu."""
    world = build_world()
    login(page, email=world.manager.email, password=PASSWORD)
    page.wait_for_url("**/espace/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("button", name="Achats")).to_be_visible()
    assert len(_nav_rows(page)) == 1, _nav_rows(page)
    nav.get_by_role("button", name="Achats").click()
    expect(nav.get_by_role("link", name="Catalogue")).to_be_visible()
    axe_check(page)


def test_opening_a_notification_marks_it_read_and_the_badge_counts_unread_only(page):
    """Two unread notifications show « 2 » in the header; opening one follows its link and leaves « 1 »;
    « Tout marquer comme lu » empties the badge, and the list has no bullets."""
    world = build_world()
    notify(recipients=[world.manager], kind="test", title="Adhésion approuvée", url="/espace/")
    notify(recipients=[world.manager], kind="test", title="Nouvelle commande")
    login(page, email=world.manager.email, password=PASSWORD)
    page.wait_for_url("**/espace/")
    link = page.get_by_role("link", name="Notifications 2 non lues")
    expect(link).to_be_visible()
    click_and_wait(page, link)
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert page.locator(".notification-list").evaluate("(list) => getComputedStyle(list).listStyleType") == "none"
    axe_check(page)

    click_and_wait(page, page.get_by_role("link", name="Adhésion approuvée"))
    page.wait_for_url("**/espace/")
    expect(page.get_by_role("link", name="Notifications 1 non lues")).to_be_visible()
    assert Notification.objects.filter(recipient=world.manager, read_at__isnull=True).count() == 1

    click_and_wait(page, page.get_by_role("link", name="Notifications 1 non lues"))
    click_and_wait(page, page.get_by_role("button", name="Tout marquer comme lu"))
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Tout marquer comme lu")).to_have_count(0)
    assert not Notification.objects.filter(recipient=world.manager, read_at__isnull=True).exists()
    axe_check(page)


def test_footer_links_a_status_page_in_french(page):
    """« État du service » in the footer opens an HTML page that says each component's state, and links the JSON
    kept for machines."""
    page.goto("/")
    click_and_wait(page, page.get_by_role("link", name="État du service"))
    expect(page.get_by_role("heading", name="État du service", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Base de données")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Cache")).to_be_visible()
    expect(page.get_by_role("link", name="/healthz")).to_be_visible()
    axe_check(page)
