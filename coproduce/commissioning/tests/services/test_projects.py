"""The commissioning cycle: stage exits, artefacts, routes, with history and audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.commissioning import services
from coproduce.commissioning.models import StageDecision
from coproduce.commissioning.tests.builders import officer, project_in_do, project_in_plan

pytestmark = pytest.mark.django_db


def test_project_moves_through_the_cycle_with_a_decision_and_audit_entry_each_time():
    boss = officer()
    project = project_in_do(boss)
    assert project.stage == "do"
    decisions = list(StageDecision.objects.filter(project=project).values_list("from_stage", "to_stage"))
    assert decisions == [("analyse", "plan"), ("plan", "do")]
    assert StageDecision.objects.filter(project=project).first().decided_by == boss
    actions = list(AuditEntry.objects.filter(action="commissioning.project.stage_changed", object_id=str(project.pk))
                   .values_list("public", flat=True))
    assert actions == [True, True]


def test_analyse_needs_a_needs_assessment_and_nothing_changes_without_it():
    boss = officer()
    project = services.project_create(actor=boss, title="Lunch club", summary="Hot lunches", service_area="care")
    with pytest.raises(ValidationError) as error:
        services.project_advance(project=project, actor=boss, to_stage="plan", decision="Go")
    assert "Write the needs assessment." in error.value.messages
    project.refresh_from_db()
    assert project.stage == "analyse"
    assert not StageDecision.objects.filter(project=project).exists()


def test_a_stage_cannot_be_skipped():
    boss = officer()
    project = services.project_create(actor=boss, title="Lunch club", summary="Hot lunches", service_area="care")
    with pytest.raises(ValidationError, match="cannot move to Do"):
        services.project_advance(project=project, actor=boss, to_stage="do", decision="Skip")


def test_plan_exit_lists_every_missing_artefact():
    boss = officer()
    project = project_in_plan(boss)
    project.outcomes.all().delete()
    with pytest.raises(ValidationError) as error:
        services.project_advance(project=project, actor=boss, to_stage="do", decision="Go")
    assert "Add at least one outcome to the outcomes framework." in error.value.messages
    assert "Appraise the options and choose a preferred one." in error.value.messages


def test_decision_is_required():
    boss = officer()
    project = project_in_plan(boss)
    with pytest.raises(ValidationError) as error:
        services.project_advance(project=project, actor=boss, to_stage="analyse", decision="  ")
    assert error.value.message_dict == {"decision": ["Enter the decision and who it was agreed with"]}


def test_artefacts_are_locked_from_do():
    boss = officer()
    project = project_in_do(boss)
    with pytest.raises(ValidationError, match="plans are fixed"):
        services.outcome_add(project=project, actor=boss, statement="More", measure="Count")


def test_only_accepted_needs_can_be_linked():
    from coproduce.needs.tests.people import need

    boss = officer()
    project = services.project_create(actor=boss, title="Youth club", summary="Evenings", service_area="youth")
    open_need = need()
    with pytest.raises(ValidationError) as error:
        services.project_update_analysis(project=project, actor=boss, needs_assessment="x", needs=[open_need])
    assert "Only accepted needs can be linked" in error.value.message_dict["needs"][0]
    project.refresh_from_db()
    assert project.needs_assessment == ""


def test_route_must_be_allowed_by_the_regime():
    boss = officer()
    project = project_in_plan(boss, value_pence=24_000_000)  # £240,000 of services: above threshold
    with pytest.raises(ValidationError) as error:
        services.project_choose_route(project=project, actor=boss, route="quotes")
    assert "is not allowed for this contract" in error.value.message_dict["route"][0]
    with pytest.raises(ValidationError):
        services.project_choose_route(project=project, actor=boss, route="reserved-mutual")
    services.project_choose_route(project=project, actor=boss, route="competitive-flexible")
    project.refresh_from_db()
    assert project.route == "competitive-flexible"


def test_reserved_route_for_reservable_light_touch_services():
    boss = officer()
    project = project_in_plan(boss, service_type="light-touch-reservable", value_pence=72_000_000, term_months=36)
    services.project_choose_route(project=project, actor=boss, route="reserved-mutual")
    # a plan over 5 years drops the reserved route (s.33) and clears the choice
    services.project_update_plan(project=project, actor=boss, service_type="light-touch-reservable",
                                 estimated_value_pence=72_000_000, term_months=72, procurement_start=None,
                                 specification="x", procurement_plan="x", conflicts_assessment="x")
    project.refresh_from_db()
    assert project.route == ""


def test_reserved_option_needs_the_reserved_route():
    boss = officer()
    project = project_in_plan(boss, service_type="light-touch-reservable", value_pence=72_000_000, term_months=36)
    option = services.option_add(project=project, actor=boss, kind="reserved", summary="Mutual")
    services.option_prefer(option=option, actor=boss, reasons="Staff and users want to run it")
    services.project_choose_route(project=project, actor=boss, route="open")
    project.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.project_advance(project=project, actor=boss, to_stage="do", decision="Go")
    assert "A reserved contract needs the route reserved for public service mutuals." in error.value.messages


def test_vat_comparison_of_options():
    boss = officer()
    project = project_in_plan(boss)
    option = services.option_add(project=project, actor=boss, kind="in-house", summary="Keep it", staff_cost_pence=8_000_000,
                                 vatable_cost_pence=2_000_000)
    costs = {c.mode.value: services.vat.to_pence(c.council_net_cost) for c in services.option_costs(option)}
    # in-house 80,000 + 20,000; exempt provider 80,000 + 20,000 × 1.2 = 104,000 (see test_standstill_and_vat)
    assert costs == {"in-house": 10_000_000, "vat-registered-provider": 10_000_000,
                     "vat-exempt-provider": 10_400_000, "unregistered-provider": 10_400_000}


def test_co_designers_are_added_once():
    from coproduce.accounts.tests.factories import ResidentFactory

    boss = officer()
    project = project_in_plan(boss)
    person = ResidentFactory()
    services.co_designer_add(project=project, actor=boss, user=person, kind="service_user")
    with pytest.raises(ValidationError, match="already a co-designer"):
        services.co_designer_add(project=project, actor=boss, user=person, kind="resident")
    assert list(project.co_designers.all()) == [person]
