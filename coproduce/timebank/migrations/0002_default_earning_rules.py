"""The earning rules every council starts with (ADR 0503). Councils change rates in the admin."""

from django.db import migrations

RULES = [
    # slug, name, unit, hundredths per unit, most hundredths per occasion, officer can issue, description
    ("meeting_attendance", "Taking part in a meeting", "hour", 100, 800, False,
     "Attending a co-production meeting or collaborative: 1 credit for each hour of the meeting, marked by the organiser."),
    ("evaluation_panel", "Sitting on an evaluation panel", "session", 300, 300, False,
     "Reading and scoring bids on a tender evaluation panel: 3 credits a session."),
    ("volunteering", "Volunteering for a service", "hour", 100, 800, True,
     "Helping to run a local service or activity: 1 credit an hour."),
    ("peer_support", "Peer support", "hour", 100, 800, True,
     "Supporting another resident or service user: 1 credit an hour."),
    ("governance_vote", "Voting in a trust or ballot", "event", 0, None, False,
     "Voting is a member's right, not paid work: a vote earns no credits."),
]


def add_rules(apps, schema_editor):
    EarningRule = apps.get_model("timebank", "EarningRule")
    for slug, name, unit, rate, cap, by_hand, description in RULES:
        EarningRule.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "unit": unit, "credits_per_unit": rate, "max_credits_per_event": cap,
                      "officer_can_issue": by_hand, "description": description},
        )


def remove_rules(apps, schema_editor):
    EarningRule = apps.get_model("timebank", "EarningRule")
    EarningRule.objects.filter(slug__in=[r[0] for r in RULES], transactions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("timebank", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
