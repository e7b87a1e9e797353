"""Money is integer pence everywhere; this is the one place that formats it."""

from __future__ import annotations


def format_pence(pence: int | None, *, whole: bool = False) -> str:
    """`123456` → `£1,234.56`; with whole=True and no pence, `£1,234`."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    if whole and rest == 0:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{rest:02d}"


def pounds_to_pence(text: str) -> int:
    """Parse a pounds amount typed by a person ('£1,234.5') into pence. Raises ValueError."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        raise ValueError("empty amount")
    if cleaned.count(".") > 1:
        raise ValueError("not a number")
    whole, _, frac = cleaned.partition(".")
    if (whole and not whole.lstrip("-").isdigit()) or (frac and not frac.isdigit()) or len(frac) > 2:
        raise ValueError("not an amount of money")
    negative = whole.startswith("-")
    value = int(whole.lstrip("-") or "0") * 100 + int((frac + "00")[:2] if frac else 0)
    return -value if negative else value
