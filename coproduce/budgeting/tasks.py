"""Background work: counting runs as a Celery task (in-process when no Redis is configured)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="budgeting.count_ballots")
def count_ballots(count_id: int) -> str:
    from .services import count_run

    count = count_run(count_id=count_id)
    return count.status
