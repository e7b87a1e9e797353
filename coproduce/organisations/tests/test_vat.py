import random

import pytest

from coproduce.organisations.vat import VatNumberError, vat_checksum_ok, vat_number_normalise


def reference_check(digits: str) -> bool:
    """HMRC's rule written out longhand, as a second reading of the algorithm."""
    d = [int(c) for c in digits]
    total = 8 * d[0] + 7 * d[1] + 6 * d[2] + 5 * d[3] + 4 * d[4] + 3 * d[5] + 2 * d[6] + 10 * d[7] + d[8]
    while total > 0:
        total -= 97
    return total == 0 or total == -55


def test_checksum_agrees_with_the_longhand_rule_on_random_numbers():
    rng = random.Random(7)
    numbers = [f"{rng.randrange(10**9):09d}" for _ in range(20000)]
    valid = 0
    for number in numbers:
        assert vat_checksum_ok(number) is reference_check(number), number
        valid += vat_checksum_ok(number)
    assert 300 < valid < 500  # about 2 in 97 pass one of the two checks


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("GB980780684", "GB980780684"),  # mod 97
        ("gb 980 7806 84", "GB980780684"),
        ("980780684", "GB980780684"),
        ("GB434031494", "GB434031494"),  # mod 97
        ("GB123456727", "GB123456727"),  # mod 9755
        ("GB980780684001", "GB980780684001"),  # branch trader
        ("GBGD001", "GBGD001"),
        ("GBHA599", "GBHA599"),
    ],
)
def test_good_vat_numbers(typed, stored):
    assert vat_number_normalise(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message_part"),
    [
        ("", "Enter the VAT registration number"),
        ("FR40303265045", "starts with GB"),
        ("GB98078068", "9 digits"),
        ("GB9807806841", "9 digits"),
        ("GB980780685", "check digits are wrong"),
        ("GBGD600", "below 500"),
        ("GBHA100", "from 500"),
    ],
)
def test_bad_vat_numbers(typed, message_part):
    with pytest.raises(VatNumberError) as error:
        vat_number_normalise(typed)
    assert message_part in str(error.value)
