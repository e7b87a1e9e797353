"""The org-id table is our own; these tests hold it against the real org-id.guide register and
mySociety's local-authority codes in ../shared/data (skipped with a reason when absent)."""

import csv
import json

import pytest

from coproduce.organisations.models import LegalForm
from coproduce.organisations.orgid import (
    PREFERRED_SCHEMES,
    SCHEMES,
    OrgIdError,
    identifier_check,
    org_id_parse,
    preference_warning,
)

# Lists that org-id.guide does not (yet) hold; documented in docs/organisations.md.
NOT_IN_REGISTER = {"GB-PPON", "360G"}


@pytest.fixture(scope="module")
def register(shared_data):
    files = sorted((shared_data / "schemas" / "org-id" / "lists" / "gb").glob("*.json"))
    assert files, "no register files found"
    return {entry["code"]: entry for entry in (json.loads(f.read_text(encoding="utf-8")) for f in files)}


def register_examples(entry) -> list[str]:
    text = ((entry.get("access") or {}).get("exampleIdentifiers") or "").strip()
    return [part.strip() for part in text.split(",") if part.strip()]


def test_every_accepted_list_is_in_the_register_and_not_deprecated(register):
    for code, scheme in SCHEMES.items():
        if code in NOT_IN_REGISTER:
            assert not scheme.in_register
            assert code not in register, f"{code} is now in org-id.guide: drop the exception"
            continue
        assert scheme.in_register
        assert code in register, f"{code} is not an org-id.guide list"
        assert register[code].get("deprecated") is not True, f"{code} is deprecated in org-id.guide"


def test_the_register_has_the_lists_we_expect_and_marks_govuk_deprecated(register):
    # Guards against a broken or empty copy making the test above pass vacuously.
    assert len(register) >= 20
    assert register["GB-GOVUK"]["deprecated"] is True
    assert "GB-GOVUK" not in SCHEMES


@pytest.mark.parametrize("code", [c for c in SCHEMES if c not in NOT_IN_REGISTER])
def test_every_register_example_passes_our_rule(register, code):
    examples = register_examples(register[code])
    for example in examples:
        result = identifier_check(scheme=code, identifier=example)
        assert result.identifier.upper() == example.upper(), (code, example, result)
        assert not result.warnings


def test_most_accepted_lists_have_register_examples(register):
    with_examples = [c for c in SCHEMES if c not in NOT_IN_REGISTER and register_examples(register[c])]
    assert len(with_examples) == len(SCHEMES) - len(NOT_IN_REGISTER)


def test_our_own_example_for_each_list_passes(register):
    for scheme in SCHEMES.values():
        assert identifier_check(scheme=scheme.code, identifier=scheme.example).identifier == scheme.example


@pytest.fixture(scope="module")
def local_authorities(shared_data):
    path = shared_data / "schemas" / "org-id" / "uk_local_authorities_future.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


REGISTER_TO_SCHEME = {
    "local-authority-eng": "GB-LAE",
    "local-authority-sct": "GB-LAS",
    "principal-local-authority": "GB-PLA",
    "local-authority-nir": "GB-LANI",
}


def test_every_local_authority_register_code_passes_its_list(local_authorities):
    seen = {scheme: 0 for scheme in REGISTER_TO_SCHEME.values()}
    for row in local_authorities:
        register_and_code = row["old-register-and-code"]
        if not register_and_code:
            continue
        register_name, _, code = register_and_code.partition(":")
        scheme = REGISTER_TO_SCHEME[register_name]
        assert identifier_check(scheme=scheme, identifier=code).identifier == code
        seen[scheme] += 1
    assert seen["GB-LAE"] > 300 and all(count > 5 for count in seen.values()), seen


def test_newer_authorities_without_a_register_code_still_have_a_well_shaped_code(local_authorities):
    newer = [row["local-authority-code"] for row in local_authorities if not row["old-register-and-code"]]
    assert newer, "expected the authorities created after the GOV.UK registers closed"
    for code in newer:
        identifier_check(scheme="GB-LAE", identifier=code)


def test_the_demo_council_code_is_not_a_real_authority(local_authorities):
    from coproduce.organisations.demo import DEMO_COUNCIL_LAE_CODE
    from coproduce.places.demo import COUNCIL_GSS_CODE

    codes = {row["local-authority-code"] for row in local_authorities}
    gss = {row["gss-code"] for row in local_authorities} | {
        code for row in local_authorities for code in row["former-gss-codes"].split(",") if code
    }
    assert DEMO_COUNCIL_LAE_CODE not in codes
    assert COUNCIL_GSS_CODE not in gss


@pytest.mark.parametrize(
    ("scheme", "typed", "stored"),
    [
        ("GB-COH", "9506232", "09506232"),  # leading zero restored
        ("GB-COH", " 0950 6232 ", "09506232"),
        ("GB-COH", "sc12345", "SC012345"),
        ("GB-COH", "IP031455", "IP031455"),
        ("gb-chc", "1090095", "1090095"),
        ("GB-SC", "sc 042386", "SC042386"),
        ("GB-NIC", "NIC100019", "100019"),
        ("GB-MPR", "12345 r", "12345R"),
        ("GB-LAE", "wot", "WOT"),
        ("GB-CASC", "DF679063", "df679063"),
        ("360G", " examplecouncil-ORG-0099 ", "examplecouncil-ORG-0099"),
        ("GB-PPON", "pzzj-6312-qttd", "PZZJ-6312-QTTD"),
    ],
)
def test_identifiers_are_normalised(scheme, typed, stored):
    assert identifier_check(scheme=scheme, identifier=typed).identifier == stored


@pytest.mark.parametrize(
    ("scheme", "typed", "message_part"),
    [
        ("GB-COH", "123456789", "8 characters"),
        ("GB-COH", "XX123456", "“XX” is not a Companies House prefix"),
        ("GB-COH", "", "Enter the Companies House identifier"),
        ("GB-CHC", "12345", "6 or 7 digits"),
        ("GB-CHC", "1090095-1", "6 or 7 digits"),
        ("GB-SC", "042386", "SC and 6 digits"),
        ("GB-NIC", "1000190", "6 digits"),
        ("GB-MPR", "12-34", "FCA"),
        ("GB-LAE", "WO", "3 or 4 letter"),
        ("GB-LAE", "W0T", "3 or 4 letter"),
        ("GB-UKPRN", "20000346", "starting with 1"),
        ("GB-EDU", "12555", "6 digits"),
        ("GB-CASC", "df67906g", "0–9 and a–f"),
        ("360G", "nohyphen", "publisher prefix"),
        ("GB-XYZ", "123", "not an identifier list we accept"),
        ("GB-GOVUK", "123", "not an identifier list we accept"),
    ],
)
def test_bad_identifiers_get_a_clear_message(scheme, typed, message_part):
    with pytest.raises(OrgIdError) as error:
        identifier_check(scheme=scheme, identifier=typed)
    assert message_part in str(error.value)


def test_an_unusual_ppon_is_kept_with_a_warning():
    result = identifier_check(scheme="GB-PPON", identifier="ABC-12")
    assert result.identifier == "ABC-12"
    assert len(result.warnings) == 1 and "usual shape" in result.warnings[0]


@pytest.mark.parametrize(
    ("text", "scheme", "identifier"),
    [
        ("GB-COH-9506232", "GB-COH", "09506232"),
        ("gb-chc-1164883", "GB-CHC", "1164883"),
        ("GB-MPR-12345R", "GB-MPR", "12345R"),
        ("GB-LAE-EXC", "GB-LAE", "EXC"),
        ("360G-examplecouncil-ORG-0099", "360G", "examplecouncil-ORG-0099"),
    ],
)
def test_full_org_ids_are_parsed(text, scheme, identifier):
    result = org_id_parse(text)
    assert (result.scheme, result.identifier) == (scheme, identifier)
    assert result.org_id == f"{scheme}-{identifier}"


@pytest.mark.parametrize("text", ["", "09506232", "GB-COH", "GBCOH09506232"])
def test_malformed_org_ids_are_refused(text):
    with pytest.raises(OrgIdError):
        org_id_parse(text)


def test_the_examples_in_the_shared_fixtures_parse(shared_data):
    found = []
    for path in sorted((shared_data / "schemas" / "examples").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        for candidate in ("GB-LAE-EXC", "GB-MPR-12345R", "GB-CHC-1234567"):
            if candidate in text:
                found.append(org_id_parse(candidate).org_id)
    assert found


def test_every_legal_form_has_preferred_lists_we_accept():
    assert set(PREFERRED_SCHEMES) == set(LegalForm.values)
    for schemes in PREFERRED_SCHEMES.values():
        assert schemes and set(schemes) <= set(SCHEMES)


@pytest.mark.parametrize(
    ("legal_form", "scheme", "warns"),
    [
        (LegalForm.COOPERATIVE_SOCIETY, "GB-MPR", False),
        (LegalForm.COOPERATIVE_SOCIETY, "GB-COH", True),
        (LegalForm.COMMUNITY_BENEFIT_SOCIETY, "GB-MPR", False),
        (LegalForm.CHARITY, "GB-CHC", False),
        (LegalForm.CHARITY, "GB-SC", False),
        (LegalForm.CHARITY, "GB-COH", True),
        (LegalForm.CIC, "GB-COH", False),
        (LegalForm.CIC, "GB-CHC", True),
        (LegalForm.PRIVATE_COMPANY, "GB-COH", False),
        (LegalForm.PUBLIC_BODY, "GB-LAE", False),
        (LegalForm.PUBLIC_BODY, "GB-COH", True),
    ],
)
def test_preference_warning(legal_form, scheme, warns):
    message = preference_warning(legal_form=legal_form, scheme=scheme)
    assert bool(message) is warns
    if warns:
        assert scheme in message and PREFERRED_SCHEMES[legal_form][0] in message
