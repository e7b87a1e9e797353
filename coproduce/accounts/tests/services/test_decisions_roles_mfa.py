import pyotp
import pytest
from django.core.exceptions import ValidationError

from coproduce.accounts import services, totp
from coproduce.accounts.models import Role, TotpDevice, User, VerificationEvent
from coproduce.accounts.tests.factories import (
    TEST_TOTP_SECRET,
    AdministratorFactory,
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
    UserFactory,
)
from coproduce.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_officer_approves_with_a_reason_and_the_history_records_it():
    person, officer = PendingResidentFactory(), OfficerFactory()
    services.letter_code_issue(user=person, actor=person)
    services.user_residency_decide(user=person, actor=officer, approve=True, reason="On the electoral register")
    person.refresh_from_db()
    assert person.verification_status == User.Verification.VERIFIED
    assert person.verification_method == User.VerificationMethod.OFFICER
    event = VerificationEvent.objects.filter(user=person).first()
    assert (event.to_status, event.actor, event.reason) == ("verified", officer, "On the electoral register")
    assert not person.letter_codes.filter(withdrawn_at__isnull=True, used_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="accounts.user.verified")
    assert entry.actor_id == officer.pk and entry.data["reason"] == "On the electoral register"


def test_a_rejection_needs_a_reason_and_changes_nothing_without_one():
    person, officer = PendingResidentFactory(), OfficerFactory()
    with pytest.raises(ValidationError) as caught:
        services.user_residency_decide(user=person, actor=officer, approve=False, reason="   ")
    assert "reason" in caught.value.message_dict
    person.refresh_from_db()
    assert person.verification_status == User.Verification.PENDING
    services.user_residency_decide(user=person, actor=officer, approve=False, reason="Not at this address")
    person.refresh_from_db()
    assert person.verification_status == User.Verification.REJECTED
    assert AuditEntry.objects.filter(action="accounts.user.rejected").count() == 1


def test_no_one_decides_on_their_own_residency():
    officer = OfficerFactory(neighbourhood=ResidentFactory().neighbourhood,
                             verification_status=User.Verification.PENDING)
    with pytest.raises(ValidationError):
        services.user_residency_decide(user=officer, actor=officer, approve=True, reason="me")


def test_granting_a_staff_role_is_public_and_other_roles_are_not():
    admin, person = AdministratorFactory(), ResidentFactory(full_name="Kofi Mensah")
    services.role_grant(user=person, role=Role.OFFICER, actor=admin)
    services.role_grant(user=person, role=Role.CARER, actor=admin)
    assert person.has_role(Role.OFFICER) and person.has_role(Role.CARER)
    staff, carer = AuditEntry.objects.filter(action="accounts.role.granted").order_by("sequence")
    assert staff.public is True and "Kofi Mensah" in staff.summary and "Officer" in staff.summary
    assert carer.public is False and "Kofi Mensah" not in carer.summary
    with pytest.raises(ValidationError):
        services.role_grant(user=person, role=Role.CARER, actor=admin)
    with pytest.raises(ValidationError):
        services.role_grant(user=person, role="emperor", actor=admin)


def test_revoking_roles_and_the_last_word_on_your_own_administrator_role():
    admin, person = AdministratorFactory(), UserFactory(roles=[Role.COUNCILLOR])
    services.role_revoke(user=person, role=Role.COUNCILLOR, actor=admin)
    assert not person.has_role(Role.COUNCILLOR)
    assert AuditEntry.objects.get(action="accounts.role.revoked").public is True
    with pytest.raises(ValidationError):
        services.role_revoke(user=person, role=Role.COUNCILLOR, actor=admin)
    with pytest.raises(ValidationError):
        services.role_revoke(user=admin, role=Role.ADMINISTRATOR, actor=admin)
    assert admin.has_role(Role.ADMINISTRATOR)


def test_setting_up_an_authenticator_needs_a_correct_code():
    officer = OfficerFactory()
    secret = totp.new_secret()
    step = totp.current_step()
    accepted = {totp.code_at_step(secret, s) for s in range(step - 1, step + 2)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)
    assert services.totp_device_confirm(user=officer, secret=secret, code=wrong) is False
    assert not TotpDevice.objects.filter(user=officer).exists()
    assert services.totp_device_confirm(user=officer, secret=secret, code=pyotp.TOTP(secret).now())
    device = TotpDevice.objects.get(user=officer)
    assert device.confirmed and device.secret == secret
    assert abs(device.last_used_step - totp.current_step()) <= 1  # the setup code is used up too
    assert AuditEntry.objects.filter(action="accounts.mfa.set_up").count() == 1


def test_a_sign_in_code_cannot_be_used_twice():
    officer = OfficerFactory(with_device=True)
    code = pyotp.TOTP(TEST_TOTP_SECRET).now()
    assert services.totp_verify(user=officer, code=code) is True
    assert services.totp_verify(user=officer, code=code) is False
    # the next step's code is still accepted (clock drift), once
    step = totp.current_step()
    assert services.totp_verify(user=officer, code=totp.code_at_step(TEST_TOTP_SECRET, step + 1)) is True
    assert services.totp_verify(user=officer, code=totp.code_at_step(TEST_TOTP_SECRET, step + 1)) is False


def test_codes_far_from_now_are_refused():
    officer = OfficerFactory(with_device=True)
    step = totp.current_step()
    for far in (step - 3, step + 3, step + 100):
        assert services.totp_verify(user=officer, code=totp.code_at_step(TEST_TOTP_SECRET, far)) is False


def test_an_administrator_can_reset_a_lost_authenticator():
    officer, admin = OfficerFactory(with_device=True), AdministratorFactory()
    services.totp_device_reset(user=officer, actor=admin)
    assert not TotpDevice.objects.filter(user=officer).exists()
    with pytest.raises(ValidationError):
        services.totp_device_reset(user=officer, actor=admin)


def test_profile_update_checks_language_and_name():
    person = ResidentFactory()
    services.profile_update(user=person, full_name="Ana Silva", accessibility_needs="Large print", preferred_language="pt")
    person.refresh_from_db()
    assert (person.full_name, person.accessibility_needs, person.preferred_language) == ("Ana Silva", "Large print", "pt")
    with pytest.raises(ValidationError) as caught:
        services.profile_update(user=person, full_name="", accessibility_needs="", preferred_language="xx")
    assert set(caught.value.message_dict) == {"full_name", "preferred_language"}
    person.refresh_from_db()
    assert person.full_name == "Ana Silva"
