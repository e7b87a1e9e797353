"""UK VAT registration numbers: shape and HMRC check digits (no lookup against HMRC).

A standard number is GB and 9 digits; a branch trader adds a 3-digit branch code (GB and 12
digits). The first 7 digits are weighted 8, 7, 6, 5, 4, 3, 2 and added to the 2-digit check
number; the total must be divisible by 97 ("mod 97", older numbers) or be so after adding 55
("mod 9755", numbers issued since 2010). Government departments (GBGD + 3 digits under 500)
and health authorities (GBHA + 3 digits from 500) have no check digits.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

WEIGHTS = (8, 7, 6, 5, 4, 3, 2)


class VatNumberError(ValueError):
    """A VAT number that cannot be right. `str(error)` is a message for the person who typed it."""


def vat_checksum_ok(digits: str) -> bool:
    """True when the 9 digits pass the mod 97 or mod 9755 check."""
    if not re.fullmatch(r"\d{9}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:7], WEIGHTS, strict=True)) + int(digits[7:])
    return total % 97 == 0 or (total + 55) % 97 == 0


def vat_number_normalise(raw: str) -> str:
    """' gb 980 7806 84 ' → 'GB980780684'. Raises VatNumberError with a readable message."""
    value = re.sub(r"[\s.-]+", "", raw or "").upper()
    if not value:
        raise VatNumberError(_("Enter the VAT registration number"))
    if value.isdigit():
        value = "GB" + value
    if not value.startswith("GB"):
        raise VatNumberError(_("A UK VAT registration number starts with GB, like GB980780684"))
    body = value[2:]
    if re.fullmatch(r"GD\d{3}", body):
        if int(body[2:]) >= 500:
            raise VatNumberError(_("A government department VAT number is GBGD and a number below 500"))
        return value
    if re.fullmatch(r"HA\d{3}", body):
        if int(body[2:]) < 500:
            raise VatNumberError(_("A health authority VAT number is GBHA and a number from 500 to 999"))
        return value
    if not re.fullmatch(r"\d{9}|\d{12}", body):
        raise VatNumberError(
            _("A UK VAT registration number is GB then 9 digits, like GB980780684, or 12 digits for a branch")
        )
    if not vat_checksum_ok(body[:9]):
        raise VatNumberError(
            _("%(value)s is not a valid VAT registration number: its check digits are wrong. Check it against the VAT certificate.")
            % {"value": value}
        )
    return value
