"""Compute the weekly flow snapshots of a range of weeks, with a progress bar.

Each process's weeks are computed in one walk forward over its history (metrics.flow.walk: the
history read once, each week's figures equal to the week computed alone); `--each-week` computes
every week alone instead (the definition, reading the whole history again for each week).
Idempotent: a week computed again replaces its own rows, so a backfill interrupted half-way is
simply run again.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from metrics.flow import parse_week, week_of, week_shift
from metrics.services import weekly_snapshot_compute, weekly_snapshots_walk
from opmodel.errors import InvalidInput
from processes.models import Process

BAR_WIDTH = 30


def weeks_between(first: str, last: str) -> list[str]:
    weeks, week = [], first
    while parse_week(week) <= parse_week(last):
        weeks.append(week)
        week = week_shift(week, 1)
    return weeks


class Command(BaseCommand):
    help = (
        "Compute the weekly flow snapshots of every week in a range (default: from each "
        "process's first card to the current week). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--process", action="append", help="Process slug (repeatable; default all active)."
        )
        parser.add_argument("--from", dest="first", help="First ISO week, e.g. 2026-W01.")
        parser.add_argument("--to", dest="last", help="Last ISO week (default: the current one).")
        parser.add_argument(
            "--each-week",
            action="store_true",
            help="Compute every week alone from the whole history (slower; the same figures).",
        )

    def handle(self, *args, process=None, first=None, last=None, each_week=False, **options):
        now = timezone.now()
        for week in (first, last):
            if week:
                try:
                    parse_week(week)
                except InvalidInput as exc:
                    raise CommandError(" ".join(exc.errors["week"])) from exc
        processes = Process.objects.filter(is_active=True).select_related("calendar")
        if process:
            processes = Process.objects.filter(slug__in=process).select_related("calendar")
            missing = set(process) - {p.slug for p in processes}
            if missing:
                raise CommandError(f"No process with the slug {', '.join(sorted(missing))}.")
        firsts = dict(
            Process.objects.filter(pk__in=[p.pk for p in processes])
            .annotate(first_card=Min("cards__created_at"))
            .values_list("pk", "first_card")
        )
        plan = []
        for proc in processes:
            start = first or (firsts[proc.pk] and week_of(proc, firsts[proc.pk]))
            if not start:
                continue  # no cards yet: nothing to compute
            # Weeks not yet begun have no figures; the string order of ISO weeks is their order.
            end = min(last or week_of(proc, now), week_of(proc, now))
            plan += [(proc, week) for week in weeks_between(start, end)]
        if not plan:
            self.stdout.write("Nothing to compute.")
            return
        began = time.monotonic()
        done = 0

        def progress(proc, week: str) -> None:
            nonlocal done
            done += 1
            self._progress(done, len(plan), f"{proc.slug} {week}", time.monotonic() - began)

        for proc in dict.fromkeys(p for p, _ in plan):
            weeks = [week for p, week in plan if p == proc]
            try:
                if each_week:
                    for week in weeks:
                        weekly_snapshot_compute(process_id=proc.pk, week=week, now=now)
                        progress(proc, week)
                else:
                    weekly_snapshots_walk(
                        process_id=proc.pk,
                        weeks=weeks,
                        now=now,
                        progress=lambda week, proc=proc: progress(proc, week),
                    )
            except InvalidInput as exc:
                problems = " ".join(m for ms in exc.errors.values() for m in ms)
                raise CommandError(f"{proc.slug}: {problems}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Computed {len(plan)} week(s) in {time.monotonic() - began:.1f} s.")
        )

    def _progress(self, done: int, total: int, what: str, elapsed: float) -> None:
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        eta = elapsed / done * (total - done)
        line = f"[{bar}] {done}/{total} {what}  {elapsed:.1f} s, {eta:.0f} s left"
        if self.stdout.isatty():
            # One line redrawn in place on a terminal; a line per week in a log.
            self.stdout.write(f"\r{line}", ending="" if done < total else "\n")
            self.stdout.flush()
        else:
            self.stdout.write(line)
