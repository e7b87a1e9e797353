"""Organisation identifiers in the org-id.guide form `<list code>-<identifier>` (GB-COH-09506232).

This is the project's own table of the lists we accept and the shape each list's identifiers
must have. It never reads a register file or makes a network call: the tests cross-check it
against copies of the org-id.guide register and mySociety's local-authority codes (see
docs/decisions/0220-org-id-checks-are-our-own-table.md). A well-shaped identifier is not
proof that the organisation exists; officers still look it up in the register.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import LegalForm


class OrgIdError(ValueError):
    """An identifier that does not fit its list. `str(error)` is a message for the person who typed it."""


@dataclass(frozen=True)
class OrgIdCheck:
    scheme: str
    identifier: str  # normalised: the form to store and publish
    warnings: tuple[str, ...] = ()

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.identifier}"


def _compact_upper(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _strip(value: str) -> str:
    return value.strip()


# Companies House numbers with a letter prefix: Scotland (SC), Northern Ireland (NI, R0),
# LLPs (OC, SO, NC), limited partnerships (LP, SL, NL), registered societies (IP, SP, RS, NP, NO),
# royal charter (RC, SR, NR), overseas (FC, SF, NF), European (SE, GE, GS, GN, CE, CS), others.
COH_PREFIXES = frozenset(
    "SC NI OC SO NC LP SL NL IP SP RS NP NO NR RC SR FC SF NF SE GE GS GN CE CS ZC SZ SG SA SI OE".split()
)


def _normalise_coh(value: str) -> str:
    value = _compact_upper(value)
    if value.isdigit() and len(value) < 8:
        return value.zfill(8)  # Companies House numbers keep their leading zeros
    prefix, digits = value[:2], value[2:]
    if prefix.isalpha() and digits.isdigit() and len(digits) < 6:
        return prefix + digits.zfill(6)
    return value


def _check_coh(value: str) -> None:
    if re.fullmatch(r"\d{8}", value) or re.fullmatch(r"R0\d{6}", value):
        return
    if re.fullmatch(r"[A-Z]{2}\d{6}", value):
        if value[:2] in COH_PREFIXES:
            return
        raise OrgIdError(
            _("“%(prefix)s” is not a Companies House prefix. Check the company number, like SC123456 or 09506232.")
            % {"prefix": value[:2]}
        )
    raise OrgIdError(
        _("A Companies House number has 8 characters: 8 digits, like 09506232, or 2 letters and 6 digits, like SC123456.")
    )


@dataclass(frozen=True)
class Scheme:
    """One org-id.guide list we accept, with the shape of its identifiers."""

    code: str
    name: Promise | str
    pattern: str  # regular expression the normalised identifier must match in full
    rule: Promise | str  # the shape, in words, shown when an identifier does not match
    example: str
    normalise: Callable[[str], str] = _compact_upper
    check: Callable[[str], None] | None = None  # replaces the pattern check when set
    in_register: bool = True  # False for the documented exceptions (GB-PPON, 360G)
    local_authority: bool = False
    warn_unless: str = ""  # a shape that is normal; anything else is accepted with a warning
    aliases: tuple[str, ...] = field(default=())

    def validate(self, raw: str) -> OrgIdCheck:
        value = self.normalise(raw or "")
        if not value:
            raise OrgIdError(_("Enter the %(register)s identifier") % {"register": self.name})
        if self.check is not None:
            self.check(value)
        elif not re.fullmatch(self.pattern, value):
            raise OrgIdError(
                _("“%(value)s” is not a %(register)s identifier: %(rule)s")
                % {"value": raw.strip(), "register": self.name, "rule": self.rule}
            )
        warnings: list[str] = []
        if self.warn_unless and not re.fullmatch(self.warn_unless, value):
            warnings.append(
                _("“%(value)s” is not in the usual shape for %(register)s (%(rule)s). It has been kept as given.")
                % {"value": value, "register": self.name, "rule": self.rule}
            )
        return OrgIdCheck(scheme=self.code, identifier=value, warnings=tuple(warnings))


_LA_PATTERN = r"[A-Z]{3,4}"
_LA_RULE = gettext_lazy("a 3 or 4 letter code, like WOT")

SCHEMES: dict[str, Scheme] = {
    s.code: s
    for s in [
        Scheme("GB-COH", gettext_lazy("Companies House"), r"", gettext_lazy("8 digits, or 2 letters and 6 digits"),
               "09506232", normalise=_normalise_coh, check=_check_coh),
        Scheme("GB-CHC", gettext_lazy("Charity Commission for England and Wales"), r"\d{6,7}",
               gettext_lazy("6 or 7 digits, like 1090095"), "1090095"),
        Scheme("GB-SC", gettext_lazy("Scottish Charity Regulator (OSCR)"), r"SC\d{6}",
               gettext_lazy("SC and 6 digits, like SC042386"), "SC042386"),
        Scheme("GB-NIC", gettext_lazy("Charity Commission for Northern Ireland"), r"\d{6}",
               gettext_lazy("6 digits, like 100019"), "100019",
               normalise=lambda v: re.sub(r"^NIC", "", _compact_upper(v))),
        Scheme("GB-MPR", gettext_lazy("FCA Mutuals Public Register"), r"(?:[A-Z]{2})?\d{1,6}[A-Z]{0,2}",
               gettext_lazy("the register number as the FCA shows it, like 12345R or IP031455"), "12345R"),
        Scheme("GB-LAE", gettext_lazy("Local authorities in England"), _LA_PATTERN, _LA_RULE, "WOT",
               local_authority=True),
        Scheme("GB-LAS", gettext_lazy("Local authorities in Scotland"), _LA_PATTERN,
               gettext_lazy("a 3 or 4 letter code, like ZET"), "ZET", local_authority=True),
        Scheme("GB-PLA", gettext_lazy("Principal local authorities in Wales"), _LA_PATTERN,
               gettext_lazy("a 3 or 4 letter code, like AGY"), "AGY", local_authority=True),
        # NIR-A … NIR-Y are the 26 district councils abolished in 2015, still in older records.
        Scheme("GB-LANI", gettext_lazy("Local authorities in Northern Ireland"), r"[A-Z]{3,4}|NIR-[A-Z]",
               gettext_lazy("a 3 or 4 letter code, like BFS (or NIR- and a letter for a council before 2015)"),
               "BFS", local_authority=True),
        Scheme("GB-UKPRN", gettext_lazy("UK Register of Learning Providers"), r"1\d{7}",
               gettext_lazy("8 digits starting with 1, like 10000346"), "10000346"),
        Scheme("GB-EDU", gettext_lazy("Register of schools in England and Wales (URN)"), r"\d{6}",
               gettext_lazy("6 digits, like 125554"), "125554"),
        Scheme("GB-REV", gettext_lazy("HMRC charity reference"), r"[A-Z]{1,3}\d{1,7}",
               gettext_lazy("letters then digits, like X6243"), "X6243"),
        Scheme("GB-CASC", gettext_lazy("Community amateur sports clubs"), r"[0-9a-f]{8}",
               gettext_lazy("8 characters using 0–9 and a–f, like df679063"), "df679063",
               normalise=lambda v: re.sub(r"\s+", "", v).lower()),
        Scheme("GB-GOR", gettext_lazy("Government Organisation Register"), r"[A-Z]{1,3}\d{1,6}",
               gettext_lazy("letters then digits, like PB1204"), "PB1204"),
        Scheme("GB-NHS", gettext_lazy("NHS Organisation Data Service"), r"[A-Z0-9]{3,6}",
               gettext_lazy("an ODS code of 3 to 6 letters and digits, like RAX"), "RAX"),
        Scheme("GB-SHPE", gettext_lazy("Social housing providers in England"), r"[A-Z]{0,2}\d{1,6}",
               gettext_lazy("the provider code, like LH4401 or 4793"), "LH4401"),
        Scheme("GB-PPON", gettext_lazy("Public Procurement Organisation Number"), r"[A-Z0-9]+(?:-[A-Z0-9]+)*",
               gettext_lazy("letters and digits in groups, like PZZJ-6312-QTTD"), "PZZJ-6312-QTTD",
               in_register=False, warn_unless=r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"),
        Scheme("360G", gettext_lazy("360Giving publisher's own identifier"),
               r"[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)*-[A-Za-z0-9][A-Za-z0-9._-]*",
               gettext_lazy("the publisher prefix, a hyphen and the publisher's id, like examplecouncil-ORG-0099"),
               "examplecouncil-ORG-0099", normalise=_strip, in_register=False),
    ]
}

#: Schemes in the order a form offers them: primary registers first.
SCHEME_CHOICES: list[tuple[str, str]] = [(code, f"{code}: {scheme.name}") for code, scheme in SCHEMES.items()]

LOCAL_AUTHORITY_SCHEMES = frozenset(code for code, s in SCHEMES.items() if s.local_authority)

#: Which lists best identify each legal form (open_data.md §4, OD-9). A primary identifier
#: from another list is accepted with a warning, never refused.
PREFERRED_SCHEMES: dict[str, tuple[str, ...]] = {
    LegalForm.COOPERATIVE_SOCIETY: ("GB-MPR",),
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: ("GB-MPR",),
    LegalForm.CHARITY: ("GB-CHC", "GB-SC", "GB-NIC"),
    LegalForm.CIC: ("GB-COH",),
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: ("GB-COH",),
    LegalForm.PRIVATE_COMPANY: ("GB-COH",),
    # Public service mutuals spin out as CICs, companies or registered societies.
    LegalForm.PUBLIC_SERVICE_MUTUAL: ("GB-COH", "GB-MPR"),
    LegalForm.PUBLIC_BODY: ("GB-LAE", "GB-LAS", "GB-PLA", "GB-LANI", "GB-NHS", "GB-GOR", "GB-EDU", "GB-UKPRN"),
}


def scheme_get(code: str) -> Scheme:
    scheme = SCHEMES.get((code or "").strip().upper()) or SCHEMES.get((code or "").strip())
    if scheme is None:
        raise OrgIdError(
            _("“%(code)s” is not an identifier list we accept. Choose one of: %(codes)s.")
            % {"code": code, "codes": ", ".join(SCHEMES)}
        )
    return scheme


def identifier_check(*, scheme: str, identifier: str) -> OrgIdCheck:
    """Normalise and check one identifier. Raises OrgIdError with a readable message."""
    return scheme_get(scheme).validate(identifier)


def org_id_parse(org_id: str) -> OrgIdCheck:
    """Split and check a full identifier such as `GB-COH-9506232` (→ GB-COH, 09506232)."""
    text = (org_id or "").strip()
    if text.upper().startswith("360G-"):
        return identifier_check(scheme="360G", identifier=text[5:])
    match = re.fullmatch(r"([A-Za-z]{2}-[A-Za-z0-9]+)-(.+)", text)
    if not match:
        raise OrgIdError(
            _("“%(value)s” is not an organisation identifier. Write the list code, a hyphen and the number, like GB-COH-09506232.")
            % {"value": text}
        )
    return identifier_check(scheme=match.group(1).upper(), identifier=match.group(2))


def preference_warning(*, legal_form: str, scheme: str) -> str:
    """A warning when the main identifier comes from a list unusual for the legal form, else ''."""
    preferred = PREFERRED_SCHEMES.get(legal_form, ())
    if not preferred or scheme in preferred:
        return ""
    return _(
        "A %(form)s is usually identified by %(preferred)s, but its main identifier is from %(scheme)s. "
        "Check that this is the right register."
    ) % {
        "form": str(LegalForm(legal_form).label).lower(),
        "preferred": _(" or ").join(preferred),
        "scheme": scheme,
    }


def identifier_warnings(*, legal_form: str, scheme: str, identifier: str) -> list[str]:
    """Everything worth a second look about an organisation's main identifier (never a refusal)."""
    try:
        checked = identifier_check(scheme=scheme, identifier=identifier)
    except OrgIdError as error:
        return [str(error)]
    warnings = list(checked.warnings)
    preference = preference_warning(legal_form=legal_form, scheme=checked.scheme)
    if preference:
        warnings.append(preference)
    return warnings
