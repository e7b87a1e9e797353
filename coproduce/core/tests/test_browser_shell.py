import pytest

from coproduce.core.testing import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_and_footer_pages_are_accessible(watched_page, site_url):
    page = watched_page
    page.goto(site_url + "/")
    assert page.locator("h1").inner_text().startswith("Power, choice and control")
    assert_accessible(page)
    for link in ["Accessibility statement", "Privacy", "Cookies"]:
        page.get_by_role("link", name=link, exact=True).first.click()
        assert_accessible(page)
