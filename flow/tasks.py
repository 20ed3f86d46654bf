"""The process map's ledger kept caught up by the metrics worker (flow/selectors/map_ledger.py),
so that a map read folds only the last minutes' moves; idempotent, like the other scans."""

from celery import shared_task

from flow.selectors import map_ledger


@shared_task(name="flow.tasks.map_ledger_catch_up", acks_late=True)
def map_ledger_catch_up() -> dict[str, int]:
    """Cards folded again per process (-1: the ledger was built whole)."""
    return {
        slug: -1 if done["rebuilt"] else len(done["cards"])
        for slug, done in map_ledger.catch_up_every_process().items()
    }
