"""Sign in through the real sign-in page (shared by the trusts and timebank browser tests)."""

PASSWORD = "a long test password"


def sign_in_through_the_page(page, site_url: str, email: str) -> None:
    page.goto(site_url + "/accounts/sign-in/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
