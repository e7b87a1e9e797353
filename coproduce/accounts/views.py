"""Pages for accounts: register, sign in and out, residency checks, MFA, profile, officer tools.

Views only name permissions (rules.py) and call services; they never test roles themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import objectgetter

from . import selectors, services, throttle, totp
from .decorators import permission_required
from .forms import (
    LetterCodeForm,
    ProfileForm,
    RegisterForm,
    ResidencyDecisionForm,
    ResidentFilterForm,
    RoleGrantForm,
    SignInForm,
    TotpCodeForm,
)
from .middleware import MFA_SESSION_KEY
from .models import LetterCode, Role, TotpDevice, User

PAGE_SIZE = 50
MFA_SETUP_SECRET_KEY = "mfa_setup_secret"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- helpers ---------------------------------------------------------------------------------

def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _remember_language(response, code: str):
    """Use the person's language from now on: this request, and (by cookie) the next ones."""
    if code not in dict(settings.LANGUAGES):
        return response
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


def _has_confirmed_device(user) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed=True).exists()


# --- register, sign in, sign out -------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                full_name=data["full_name"], email=data["email"], date_of_birth=data["date_of_birth"],
                postcode=data["postcode"], address_line=data["address_line"], password=data["password"],
                preferred_language=translation.get_language() if translation.get_language() in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("You have registered. We have posted a letter with a code to your address."))
            return _remember_language(redirect("accounts:verify"), user.preferred_language)
    return render(request, "accounts/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = services.normalise_email(form.cleaned_data["email"])
        address = throttle.client_address(request)
        if throttle.login_blocked(email=email, address=address):
            form.add_error(None, _("You have tried to sign in too many times. Wait %(minutes)s minutes, then try again, or reset your password.")
                           % {"minutes": throttle.window_minutes()})
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                throttle.login_failed(email=email, address=address)
                form.add_error("email", _("Enter a correct email address and password"))
            else:
                throttle.login_succeeded(email=email)
                login(request, user, backend=MODEL_BACKEND)
                if user.needs_mfa:
                    target = "accounts:mfa_verify" if _has_confirmed_device(user) else "accounts:mfa_setup"
                    response = redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
                else:
                    response = redirect(next_url)
                return _remember_language(response, user.preferred_language)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- residency: the code from the letter -----------------------------------------------------

LETTER_MESSAGES = {
    services.LetterCheck.EXPIRED: gettext_lazy("The code has expired. Ask for a new letter below."),
    services.LetterCheck.LOCKED: gettext_lazy("The code has been tried too many times. Ask for a new letter below."),
    services.LetterCheck.NO_CODE: gettext_lazy("There is no code waiting for you. Ask for a new letter below."),
}


def _verify_context(request, form) -> dict:
    letter = services.letter_code_live(user=request.user)
    usable = letter is not None and letter.expires_at > timezone.now() and letter.attempts < services.LETTER_CODE_MAX_ATTEMPTS
    return {
        "form": form, "letter": letter, "letter_usable": usable,
        "attempts_left": (services.LETTER_CODE_MAX_ATTEMPTS - letter.attempts) if letter else 0,
        "can_request_letter": (request.user.verification_status in (User.Verification.PENDING, User.Verification.UNVERIFIED)
                               and request.user.neighbourhood_id is not None and not usable),
    }


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    form = LetterCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.letter_code_verify(user=request.user, code=form.cleaned_data["code"])
        if result.outcome in (services.LetterCheck.VERIFIED, services.LetterCheck.ALREADY_VERIFIED):
            messages.success(request, _("Thank you. You are now a verified resident of your neighbourhood."))
            return redirect("accounts:profile")
        if result.outcome != services.LetterCheck.WRONG:
            messages.info(request, LETTER_MESSAGES[result.outcome])
            return redirect("accounts:verify")
        form.add_error("code", _("The code is not right. Check the letter and try again. You have %(left)s tries left.")
                       % {"left": result.attempts_left})
    request.user.refresh_from_db(fields=["verification_status", "verification_method", "verified_at"])
    return render(request, "accounts/verify.html", _verify_context(request, form))


@login_required
@require_POST
def verify_new_letter(request):
    context = _verify_context(request, LetterCodeForm())
    if not context["can_request_letter"]:
        messages.info(request, _("You cannot ask for a new letter now: your code still works, or your address has already been checked."))
        return redirect("accounts:verify")
    try:
        services.letter_code_issue(user=request.user, actor=request.user)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, _("We have posted a new letter with a new code. The old code no longer works."))
    return redirect("accounts:verify")


# --- multi-factor authentication -------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    user = request.user
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if not user.needs_mfa:
        return redirect("accounts:profile")
    if _has_confirmed_device(user):
        return redirect(next_url if request.session.get(MFA_SESSION_KEY) == user.pk
                        else f"{reverse('accounts:mfa_verify')}?{urlencode({'next': next_url})}")
    secret = request.session.get(MFA_SETUP_SECRET_KEY)
    if not secret:
        secret = totp.new_secret()
        request.session[MFA_SETUP_SECRET_KEY] = secret
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, secret=secret, code=form.cleaned_data["code"]):
            request.session.pop(MFA_SETUP_SECRET_KEY, None)
            request.session[MFA_SESSION_KEY] = user.pk
            messages.success(request, _("Your authenticator app is set up. You will need a code from it each time you sign in."))
            return redirect(next_url)
        form.add_error("code", _("The code is not right. Check that the time on your phone is set automatically, then enter the newest code."))
    return render(request, "accounts/mfa_setup.html", {
        "form": form, "next": next_url, "secret_grouped": totp.grouped(secret),
        "otpauth_uri": totp.provisioning_uri(secret=secret, account=user.email, issuer=settings.COPRODUCE_COUNCIL_NAME),
    })


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    user = request.user
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if not user.needs_mfa:
        return redirect(next_url)
    if not _has_confirmed_device(user):
        return redirect(f"{reverse('accounts:mfa_setup')}?{urlencode({'next': next_url})}")
    if request.session.get(MFA_SESSION_KEY) == user.pk:
        return redirect(next_url)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttle.code_blocked(purpose="mfa", user_id=user.pk):
            form.add_error("code", _("You have entered too many wrong codes. Wait %(minutes)s minutes, then try again.")
                           % {"minutes": throttle.window_minutes()})
        elif services.totp_verify(user=user, code=form.cleaned_data["code"]):
            throttle.code_succeeded(purpose="mfa", user_id=user.pk)
            request.session.cycle_key()
            request.session[MFA_SESSION_KEY] = user.pk
            return redirect(next_url)
        else:
            throttle.code_failed(purpose="mfa", user_id=user.pk)
            form.add_error("code", _("The code is not right, or it has already been used. Wait for the next code and try again."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


# --- profile ---------------------------------------------------------------------------------

@login_required
def profile(request):
    user = User.objects.select_related("neighbourhood__ward").get(pk=request.user.pk)
    return render(request, "accounts/profile.html", {
        "person": user,
        "roles": [Role(r).label for r in sorted(request.user.role_set())],
        "language_name": dict(settings.LANGUAGES).get(user.preferred_language, user.preferred_language),
        "can_view_users": request.user.has_perm("accounts.view_user"),
        "can_view_letters": request.user.has_perm("accounts.view_lettercode"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    initial = {"full_name": user.full_name, "accessibility_needs": user.accessibility_needs,
               "preferred_language": user.preferred_language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            response = _remember_language(redirect("accounts:profile"), user.preferred_language)
            messages.success(request, _("Your profile has been saved."))
            return response
    return render(request, "accounts/profile_edit.html", {"form": form})


# --- officer tools: the register of residents, residency decisions, letters ------------------

@permission_required("accounts.view_user")
def resident_list(request):
    data = request.GET.copy()
    if "role" not in data:
        data["role"] = Role.RESIDENT
    wards = selectors.ward_choices()
    form = ResidentFilterForm(data, wards=wards, neighbourhoods=selectors.neighbourhood_choices())
    filters = form.filters()
    users = selectors.user_list(
        q=filters.get("q") or None, ward=filters.get("ward"), neighbourhood=filters.get("neighbourhood"),
        status=filters.get("status") or None, role=filters.get("role") or None,
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/resident_list.html", {"filter_form": form, "page": page})


def _person_context(request, person, decision_form=None) -> dict:
    return {
        "person": person,
        "roles": selectors.role_assignments(user=person),
        "history": selectors.verification_history(user=person),
        "decision_form": decision_form or ResidencyDecisionForm(),
        "form": decision_form,
        "can_verify": request.user.has_perm("accounts.verify_user", person),
        "can_change_roles": request.user.has_perm("accounts.change_role", person),
        "allowed_decisions": services.OFFICER_TRANSITIONS.get(person.verification_status, set()),
    }


def _get_person(request, pk):
    return get_object_or_404(User.objects.select_related("neighbourhood__ward"), pk=pk)


@permission_required("accounts.view_user", fn=objectgetter(User, "pk"))
def resident_detail(request, pk):
    person = _get_person(request, pk)
    return render(request, "accounts/resident_detail.html", _person_context(request, person))


@require_POST
@permission_required("accounts.verify_user", fn=objectgetter(User, "pk"))
def resident_decide(request, pk):
    person = _get_person(request, pk)
    form = ResidencyDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.user_residency_decide(user=person, actor=request.user,
                                           approve=form.cleaned_data["decision"] == "approve",
                                           reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, _("%(name)s is now a verified resident.") % {"name": person.full_name})
            else:
                messages.success(request, _("You did not accept the address of %(name)s.") % {"name": person.full_name})
            return redirect("accounts:resident_detail", pk=person.pk)
    person.refresh_from_db()
    return render(request, "accounts/resident_detail.html", _person_context(request, person, form))


@permission_required("accounts.view_lettercode")
@require_http_methods(["GET", "POST"])
def letters_to_post(request):
    if request.method == "POST":
        letter = get_object_or_404(LetterCode, pk=request.POST.get("letter") or 0)
        try:
            services.letter_mark_posted(letter=letter, actor=request.user)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Letter to %(name)s marked as posted. Its code is no longer shown here.") % {"name": letter.user.full_name})
        return redirect(request.get_full_path())
    page = Paginator(selectors.letters_to_post(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/letters_to_post.html", {
        "page": page, "format_code": services.format_letter_code, "days": services.LETTER_CODE_DAYS,
    })


@permission_required("accounts.change_role", fn=objectgetter(User, "pk"))
@require_http_methods(["GET", "POST"])
def user_roles(request, pk):
    person = _get_person(request, pk)
    form = RoleGrantForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant":
                form = RoleGrantForm(request.POST)
                if form.is_valid():
                    services.role_grant(user=person, role=form.cleaned_data["role"], actor=request.user)
                    messages.success(request, _("%(name)s now has the role %(role)s.") % {"name": person.full_name, "role": Role(form.cleaned_data["role"]).label})
                    return redirect("accounts:user_roles", pk=person.pk)
            elif action == "revoke":
                role = request.POST.get("role", "")
                services.role_revoke(user=person, role=role, actor=request.user)
                messages.success(request, _("%(name)s no longer has the role %(role)s.") % {"name": person.full_name, "role": Role(role).label})
                return redirect("accounts:user_roles", pk=person.pk)
            elif action == "reset_mfa":
                services.totp_device_reset(user=person, actor=request.user)
                messages.success(request, _("The authenticator of %(name)s was reset. They will set up a new one when they next sign in.") % {"name": person.full_name})
                return redirect("accounts:user_roles", pk=person.pk)
            else:
                form.add_error(None, _("Choose what to do"))
        except ValidationError as exc:
            if action == "grant":
                _add_service_errors(form, exc)
            else:
                messages.info(request, " ".join(exc.messages))
                return redirect("accounts:user_roles", pk=person.pk)
    return render(request, "accounts/user_roles.html", {
        "person": person, "roles": selectors.role_assignments(user=person), "form": form,
        "has_device": _has_confirmed_device(person) or TotpDevice.objects.filter(user=person).exists(),
    })

