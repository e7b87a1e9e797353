"""Time-credit pages: statement, rewards, council-tax discount, officer issue and correction, totals."""

from __future__ import annotations

import csv
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .credits import format_credits
from .forms import CouncilTaxForm, IssueForm, ReverseForm, SpendForm
from .models import Account, LedgerTransaction, Reward

PAGE_SIZE = 25


def permission_required(perm: str, get_object=None):
    """Anonymous people are sent to sign in; signed-in people without the permission get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = get_object(request, *args, **kwargs) if get_object else None
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            request.permission_object = obj
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _context(**extra):
    return {"credits": format_credits, **extra}


# --- public ------------------------------------------------------------------------------------


def index(request):
    return render(request, "timebank/index.html", _context(
        rules=selectors.rule_list(), policy=selectors.policy_current(),
        account=selectors.account_for(request.user) if request.user.is_authenticated else None,
        can_issue=request.user.is_authenticated and request.user.has_perm("timebank.issue_credit"),
    ))


def ward_totals(request):
    since = timezone.now() - dt.timedelta(days=365)
    rows = selectors.totals_by_ward(since=since)
    top = max((r.issued for r in rows), default=0)
    return render(request, "timebank/ward_totals.html", _context(
        rows=rows, top=top, since=since, total=sum(r.issued for r in rows),
    ))


def reward_list(request):
    account = selectors.account_for(request.user) if request.user.is_authenticated else None
    return render(request, "timebank/reward_list.html", _context(rewards=selectors.reward_list(), account=account))


# --- the member's own pages ------------------------------------------------------------------------


def _statement_page(request, account, template, **extra):
    page = None
    totals = {"earned": 0, "spent": 0, "redeemed": 0}
    if account is not None:
        page = Paginator(selectors.statement_entries(account=account), PAGE_SIZE).get_page(request.GET.get("page"))
        entries = list(page.object_list)
        if entries:
            first_balance = account.balance if page.number == 1 else selectors.balance_after_entry(account=account, entry=entries[0])
            selectors.with_running_balance(entries, balance_after_first=first_balance)
        page.object_list = entries
        totals = selectors.statement_totals(account=account)
    return render(request, template, _context(account=account, page=page, totals=totals, **extra))


@permission_required("timebank.view_statement")
def statement(request):
    account = selectors.account_for(request.user)
    claims = request.user.reward_claims.select_related("reward", "transaction").order_by("-claimed_at")[:10]
    return _statement_page(
        request, account, "timebank/statement.html", claims=claims,
        redemptions=selectors.member_redemptions(member=request.user)[:10],
    )


def _reward(request, pk):
    return get_object_or_404(Reward.objects.select_related("offered_by"), pk=pk, is_active=True)


@require_http_methods(["GET", "POST"])
@permission_required("timebank.claim_reward", _reward)
def reward_spend(request, pk):
    reward = request.permission_object
    account = selectors.account_for(request.user)
    form = SpendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.reward_claim(
                member=request.user, reward=reward,
                event_key=f"timebank.reward:{request.user.pk}:{form.cleaned_data['request_id']}",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("You spent %(credits)s credits on %(reward)s. Your code is %(code)s.") % {
                "credits": format_credits(reward.price), "reward": reward.title, "code": claim.code})
            return redirect("timebank:statement")
    status = 400 if form.errors else 200
    return render(request, "timebank/reward_spend.html", _context(reward=reward, account=account, form=form), status=status)


@require_http_methods(["GET", "POST"])
@permission_required("timebank.redeem_credit")
def council_tax(request):
    policy = selectors.policy_current()
    account = selectors.account_for(request.user)
    form = CouncilTaxForm(request.POST if request.method == "POST" else None)
    reasons, used = [], 0
    if policy is not None:
        reasons = services.policy_ineligibility(policy=policy, member=request.user)
        used = services.redemption_used_pence(policy=policy, member=request.user)
    if request.method == "POST" and form.is_valid():
        if policy is None:
            form.add_error(None, _("There is no council-tax discount scheme this year."))
        else:
            try:
                redemption = services.council_tax_redeem(
                    member=request.user, policy=policy, pounds=form.cleaned_data["pounds"],
                    council_tax_reference=form.cleaned_data["council_tax_reference"],
                    confirms_liable=form.cleaned_data["confirms_liable"],
                    event_key=f"timebank.council_tax:{request.user.pk}:{form.cleaned_data['request_id']}",
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("£%(pounds)s will come off your council-tax bill. It is on your statement.") % {
                    "pounds": redemption.discount_pence // 100})
                return redirect("timebank:statement")
    status = 400 if form.errors else 200
    return render(request, "timebank/council_tax.html", _context(
        policy=policy, account=account, form=form, reasons=reasons, used=used,
        left=max((policy.annual_cap_pence - used), 0) if policy else 0,
        redemptions=selectors.member_redemptions(member=request.user, policy=policy) if policy else [],
    ), status=status)


# --- officers --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("timebank.issue_credit")
def issue(request):
    rules = [r for r in selectors.rule_list() if r.officer_can_issue and not r.pays_nothing]
    form = IssueForm(request.POST if request.method == "POST" else None, rules=rules)
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["email"]
        try:
            tx = services.credit_issue(
                member=member, rule=form.rules[form.cleaned_data["rule"]], quantity=form.cleaned_data["quantity"],
                reason=form.cleaned_data["reason"], actor=request.user,
                event_key=f"timebank.officer:{form.cleaned_data['request_id']}",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(credits)s credits issued to %(name)s.") % {
                "credits": format_credits(tx.credits), "name": member.display_name})
            return redirect("timebank:account_detail", pk=member_account_pk(member))
    status = 400 if form.errors else 200
    return render(request, "timebank/issue.html", _context(form=form, rules=rules), status=status)


@permission_required("timebank.issue_credit")
def account_find(request):
    """Officers find a member's account by email address."""
    from coproduce.accounts.models import User

    email = (request.GET.get("email") or "").strip()
    error = ""
    if email:
        member = User.objects.filter(email__iexact=email).first()
        if member is not None:
            return redirect("timebank:account_detail", pk=member_account_pk(member))
        error = _("There is no account with that email address")
    return render(request, "timebank/account_find.html", _context(email=email, error=error), status=404 if error else 200)


@permission_required("timebank.view_redemption")
def council_tax_lines(request):
    """The council-tax discounts of the current policy year, for the revenues team to apply to bills."""
    policy = selectors.policy_current()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="council-tax-discounts-{timezone.localdate().isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["date", "name", "address", "postcode", "council_tax_reference", "discount_pounds", "credits",
                     "policy", "corrected"])
    if policy is not None:
        for r in selectors.redemption_lines(policy=policy):
            writer.writerow([
                timezone.localtime(r.created_at).date().isoformat(), _csv_safe(r.member.full_name),
                _csv_safe(r.member.address_line), r.member.postcode, r.council_tax_reference,
                f"{r.discount_pence // 100}.{r.discount_pence % 100:02d}", format_credits(r.transaction.credits),
                policy.name, "yes" if r.reversed else "no",
            ])
    return response


def _csv_safe(text: str) -> str:
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def member_account_pk(member) -> int:
    return services.member_account(member).pk


def _account(request, pk):
    return get_object_or_404(Account.objects.select_related("user"), pk=pk, kind=Account.Kind.MEMBER)


@permission_required("timebank.view_account", _account)
def account_detail(request, pk):
    account = request.permission_object
    return _statement_page(
        request, account, "timebank/account_detail.html",
        can_reverse=request.user.has_perm("timebank.reverse_transaction"), reverse_form=ReverseForm(),
    )


def _transaction(request, pk):
    return get_object_or_404(LedgerTransaction, pk=pk)


@require_POST
@permission_required("timebank.reverse_transaction", _transaction)
def transaction_reverse(request, pk):
    original = request.permission_object
    form = ReverseForm(request.POST)
    account_pk = member_account_pk(original.member)
    if form.is_valid():
        try:
            services.transaction_reverse(original=original, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Corrected: %(credits)s credits reversed.") % {"credits": format_credits(original.credits)})
    else:
        messages.error(request, form.errors["reason"][0])
    return redirect("timebank:account_detail", pk=account_pk)
