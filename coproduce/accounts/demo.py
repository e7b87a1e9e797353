"""Demo logins: placeholder until the accounts feature seeds them."""


def demo_login_table() -> str:
    return ""
