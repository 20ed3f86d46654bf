"""Signals metrics sends for the layers above it, which metrics must not import.

`weekly_snapshot_written`: a process's weekly snapshot was written and committed; arguments
`process_id` and `week` (e.g. "2026-W47"). Sent by `metrics.services.weekly_snapshot_compute`,
so the beat tasks and the backfill command send it too.
"""

from django.dispatch import Signal

weekly_snapshot_written = Signal()
