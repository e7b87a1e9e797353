"""Casting, checking and changing ballots; every kind of bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from coproduce.accounts.tests.factories import PendingResidentFactory, ResidentFactory
from coproduce.audit.models import AuditEntry
from coproduce.budgeting import receipts, services
from coproduce.budgeting.models import Ballot, BallotType, VoterRecord

from .factories import make_process, move_to

pytestmark = pytest.mark.django_db


def box(process):
    return (VoterRecord.objects.filter(process=process).count(), Ballot.objects.filter(process=process).count())


def test_a_vote_records_the_voter_and_an_anonymous_ballot(voting_process, voter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast = services.vote_cast(process=voting_process, user=voter, choices={"1": 1, "3": 1})
    assert box(voting_process) == (1, 1)
    ballot = Ballot.objects.get(process=voting_process)
    assert ballot.ballot_id == cast.ballot_id
    assert ballot.choices == {"1": 1, "3": 1}
    assert ballot.receipt_hash == receipts.receipt_hash(voting_process.pk, cast.receipt_code)
    assert cast.receipt_code not in ballot.receipt_hash
    assert len(mail.outbox) == 1 and cast.receipt_code in mail.outbox[0].body
    assert mail.outbox[0].to == [voter.email]
    entry = AuditEntry.objects.get(action="budgeting.vote.recorded")
    assert cast.ballot_id not in str(entry.data) + entry.summary
    assert entry.public is False


def test_voting_twice_is_refused_and_changes_nothing(voting_process, voter):
    services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    with pytest.raises(services.AlreadyVoted, match="already voted"):
        services.vote_cast(process=voting_process, user=voter, choices={"2": 1})
    assert box(voting_process) == (1, 1)
    assert Ballot.objects.get(process=voting_process).choices == {"1": 1}


@pytest.mark.parametrize(
    ("kwargs", "choices", "message"),
    [
        ({"max_projects": 2}, {"1": 1, "2": 1, "3": 1}, "Choose no more than 2 projects"),
        ({"min_projects": 2}, {"1": 1}, "Choose at least 2 projects"),
        ({}, {}, "Choose at least 1 project"),
        ({}, {"99": 1}, "not on the ballot: 99"),
        ({"ballot_type": BallotType.KNAPSACK}, {"1": 1, "4": 1, "3": 1}, "more than the budget"),
        ({"ballot_type": BallotType.CUMULATIVE, "points": 10}, {"1": 6, "2": 3}, "You have given 9 points. Share out exactly 10"),
        ({"ballot_type": BallotType.CUMULATIVE, "points": 10}, {"1": 8, "2": 3}, "You have given 11 points"),
        ({"ballot_type": BallotType.CUMULATIVE, "points": 10}, {"1": -1, "2": 11}, "whole numbers of 0 or more"),
        ({}, {"1": 2}, "Choose each project once"),
    ],
)
def test_bad_ballots_get_a_clear_message_and_change_nothing(kwargs, choices, message):
    process = make_process(**kwargs)
    voter = ResidentFactory(neighbourhood=process.neighbourhood)
    with pytest.raises(services.BadBallot, match=message):
        services.vote_cast(process=process, user=voter, choices=choices)
    assert box(process) == (0, 0)


def test_knapsack_up_to_the_budget_is_accepted():
    process = make_process(ballot_type=BallotType.KNAPSACK)
    voter = ResidentFactory(neighbourhood=process.neighbourhood)
    services.vote_cast(process=process, user=voter, choices={"1": 1, "2": 1, "3": 1})  # £90,000 of £100,000
    assert box(process) == (1, 1)


@pytest.mark.parametrize("phase", [None, "ideas", "proposals", "review", "counting", "results", "delivery"])
def test_voting_outside_the_voting_phase_is_refused(phase):
    process = make_process(phase=phase)
    voter = ResidentFactory(neighbourhood=process.neighbourhood)
    with pytest.raises(services.PhaseClosed, match="Voting is not open"):
        services.vote_cast(process=process, user=voter, choices={"1": 1})
    assert box(process) == (0, 0)


def test_ineligible_voters_are_refused_with_the_reason(voting_process):
    elsewhere = ResidentFactory()
    pending = PendingResidentFactory(neighbourhood=voting_process.neighbourhood)
    with pytest.raises(services.NotEligible, match="people who live in"):
        services.vote_cast(process=voting_process, user=elsewhere, choices={"1": 1})
    with pytest.raises(services.NotEligible, match="Only verified residents"):
        services.vote_cast(process=voting_process, user=pending, choices={"1": 1})
    assert box(voting_process) == (0, 0)


def test_minimum_age_is_checked_on_the_day_of_voting():
    process = make_process(min_age=16)
    today = dt.date(2026, 6, 1)
    young = ResidentFactory(neighbourhood=process.neighbourhood, date_of_birth=dt.date(2010, 6, 2))
    just_old_enough = ResidentFactory(neighbourhood=process.neighbourhood, date_of_birth=dt.date(2010, 6, 1))
    unknown = ResidentFactory(neighbourhood=process.neighbourhood, date_of_birth=None)
    with pytest.raises(services.NotEligible, match="16 or older"):
        services.vote_cast(process=process, user=young, choices={"1": 1}, today=today)
    with pytest.raises(services.NotEligible, match="date of birth"):
        services.vote_cast(process=process, user=unknown, choices={"1": 1}, today=today)
    services.vote_cast(process=process, user=just_old_enough, choices={"1": 1}, today=today)
    assert box(process) == (1, 1)


def test_ward_and_borough_budgets_take_everyone_in_the_area():
    from coproduce.places.tests.factories import NeighbourhoodFactory

    here = NeighbourhoodFactory()
    same_ward = NeighbourhoodFactory(ward=here.ward)
    ward_process = make_process(scope="ward", ward=here.ward, neighbourhood=here)
    services.vote_cast(process=ward_process, user=ResidentFactory(neighbourhood=same_ward), choices={"1": 1})
    with pytest.raises(services.NotEligible):
        services.vote_cast(process=ward_process, user=ResidentFactory(), choices={"1": 1})
    borough = make_process(scope="borough")
    services.vote_cast(process=borough, user=ResidentFactory(), choices={"1": 1})
    assert box(ward_process) == (1, 1) and box(borough) == (1, 1)


def test_the_voter_changes_their_ballot_with_the_receipt_code(voting_process, voter):
    cast = services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    record = VoterRecord.objects.get(process=voting_process)
    services.ballot_change(process=voting_process, user=voter, receipt_code=cast.receipt_code.lower().replace("-", " "),
                           choices={"2": 1, "3": 1})
    ballot = Ballot.objects.get(process=voting_process)
    assert ballot.ballot_id == cast.ballot_id
    assert ballot.choices == {"2": 1, "3": 1}
    assert box(voting_process) == (1, 1)
    assert VoterRecord.objects.get(process=voting_process) == record
    assert list(VoterRecord.objects.filter(process=voting_process).values()) == [
        {**VoterRecord.objects.filter(pk=record.pk).values().get()}
    ]


def test_a_forged_or_wrong_receipt_code_changes_nothing(voting_process, voter):
    services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    for code in ["AAAA-AAAA-AAAA-AAAA", "not a code", ""]:
        with pytest.raises(services.BadReceipt, match="could not find a ballot"):
            services.ballot_change(process=voting_process, user=voter, receipt_code=code, choices={"2": 1})
    assert Ballot.objects.get(process=voting_process).choices == {"1": 1}


def test_someone_who_has_not_voted_cannot_change_a_ballot_even_with_its_code(voting_process, voter):
    cast = services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    other = ResidentFactory(neighbourhood=voting_process.neighbourhood)
    with pytest.raises(services.BadReceipt, match="not voted"):
        services.ballot_change(process=voting_process, user=other, receipt_code=cast.receipt_code, choices={"2": 1})
    assert Ballot.objects.get(process=voting_process).choices == {"1": 1}


def test_a_code_from_another_process_does_not_work(voting_process, voter):
    other_process = make_process(neighbourhood=voting_process.neighbourhood)
    cast = services.vote_cast(process=other_process, user=voter, choices={"1": 1})
    services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    with pytest.raises(services.BadReceipt):
        services.ballot_change(process=voting_process, user=voter, receipt_code=cast.receipt_code, choices={"2": 1})


def test_ballots_cannot_change_after_voting_closes(voting_process, voter):
    cast = services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    move_to(voting_process, "counting")
    with pytest.raises(services.PhaseClosed, match="Voting has closed"):
        services.ballot_change(process=voting_process, user=voter, receipt_code=cast.receipt_code, choices={"2": 1})
    assert Ballot.objects.get(process=voting_process).choices == {"1": 1}


def test_a_bad_change_keeps_the_old_choices(voting_process, voter):
    cast = services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    with pytest.raises(services.BadBallot):
        services.ballot_change(process=voting_process, user=voter, receipt_code=cast.receipt_code, choices={"77": 1})
    assert Ballot.objects.get(process=voting_process).choices == {"1": 1}


def test_paper_ballot_marks_the_person_and_blocks_online_voting(voting_process, voter, officer):
    services.paper_ballot_enter(process=voting_process, officer=officer, voter=voter, choices={"2": 1})
    record = VoterRecord.objects.get(process=voting_process, user=voter)
    assert record.channel == "paper" and record.recorded_by == officer
    with pytest.raises(services.AlreadyVoted):
        services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    with pytest.raises(services.AlreadyVoted):
        services.paper_ballot_enter(process=voting_process, officer=officer, voter=voter, choices={"1": 1})
    assert box(voting_process) == (1, 1)
    entry = AuditEntry.objects.get(action="budgeting.vote.paper_entered")
    assert entry.actor == officer
    assert "2" not in str(entry.data.get("choices", "")) and "choices" not in entry.data
    ballot = Ballot.objects.get(process=voting_process)
    assert ballot.ballot_id not in str(entry.data) + entry.summary


def test_paper_ballot_for_someone_who_voted_online_is_refused(voting_process, voter, officer):
    services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    with pytest.raises(services.AlreadyVoted, match="already voted"):
        services.paper_ballot_enter(process=voting_process, officer=officer, voter=voter, choices={"2": 1})
    assert box(voting_process) == (1, 1)


def test_receipt_codes_are_random_and_normalised():
    codes = {receipts.new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    code = next(iter(codes))
    assert receipts.looks_like_a_code(code.lower())
    assert receipts.receipt_hash(1, code) == receipts.receipt_hash(1, code.lower().replace("-", ""))
    assert receipts.receipt_hash(1, code) != receipts.receipt_hash(2, code)


def test_trust_budgets_are_voted_by_current_members_of_the_trust():
    from django.utils import timezone

    from coproduce.trusts.tests.factories import MembershipFactory, TrustFactory

    trust = TrustFactory()
    process = make_process(scope="trust", trust=trust)
    member = MembershipFactory(trust=trust, member_class__trust=trust, user=ResidentFactory()).user
    former = MembershipFactory(trust=trust, member_class__trust=trust, user=ResidentFactory(),
                               joined_at=timezone.now() - dt.timedelta(days=30), left_at=timezone.now()).user
    with pytest.raises(services.NotEligible, match="for members of"):
        services.vote_cast(process=process, user=ResidentFactory(), choices={"1": 1})
    with pytest.raises(services.NotEligible, match="for members of"):
        services.vote_cast(process=process, user=former, choices={"1": 1})
    services.vote_cast(process=process, user=member, choices={"1": 1})
    assert box(process) == (1, 1)
    assert process.place_name == trust.name
