"""The one receiver: a week's snapshot was written, so the process's key results get its row."""

import logging

logger = logging.getLogger(__name__)


def snapshot_written(sender, *, process_id: int, week: str, **kwargs) -> None:
    from goals.services import key_results_record_week

    try:
        key_results_record_week(process_id=process_id, week=week)
    except Exception:
        # The snapshot is committed and must stand: a goals failure must not make the metrics
        # task retry (and recompute a whole week). The next write of the week (15 minutes for
        # the week in progress, the catch-up or a backfill) writes the rows again.
        logger.exception("Could not record the key results of process %s, %s", process_id, week)
