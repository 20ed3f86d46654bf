"""Benchmark of the year's backfill of weekly snapshots, both ways in one run (issue 25, point 4).

    .venv/bin/python bench/weekly_backfill.py [--cards 1000000] [--database-url URL] [--reuse]

On the year of order-to-cash cards of bench/weekly_metrics.py (the same generator, the same
data), at N cards, it measures:
- the walk: the 52 weeks' snapshots in one walk forward over the history
  (`weekly_snapshots_walk`, what `metrics_backfill` runs), in total and per week;
- each week alone: the same 52 snapshots by `weekly_snapshot_compute`, week after week (the
  backfill before issue 25), stopped after `--each-week-budget` seconds; the weeks it reached are
  compared with the walk's, every figure of every week (the run stops with FAIL on the first
  difference), and the ratio of the two times is printed (estimated from the weeks reached, and
  said so, when the budget stopped it);
- the floor: the walk's figures of the week in the middle of the year (and of every week with
  `--floor-all`) against the hand-written SQL of bench/weekly_metrics.py, all 1,904 figures;
- a new week: the last week alone by `weekly_snapshot_compute` (what the hourly catch-up runs
  when one week has ended) and by a walk of that week alone (the history copied and folded
  once, then the week), median of `--runs`.
It prints a table and writes bench/results/weekly_backfill_<N>.json (N: 100k, 1m ...). The
database named in the URL is dropped and recreated (its name must contain "bench") unless
`--reuse` finds N cards there (generated in the same ISO week: the year measured ends with the
week before the current one). `--generate-only` stops once the data is there, so that the data
of a slow generation (about 13 minutes at 1,000,000 cards on a loaded machine) can be made
once and measured by later runs with `--reuse`.
"""

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import weekly_metrics as wm  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "weekly_backfill_<N>.json"  # N: 100k, 1m ...
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_backfill"
GOAL_SECONDS_AT_1M = 120  # issue 25: the year's backfill at 1,000,000 cards


def data_ready(url: str, n: int, reuse: bool) -> tuple[dict | None, float | None]:
    """The bench data at N cards: generated (database recreated), or found with --reuse."""
    if reuse:
        try:
            wm.django_start(url)
            from processes.models import RequestCard

            if RequestCard.objects.count() == n:
                print(f"Reusing the {n:,} cards already in the bench database.", flush=True)
                from django.core.management import call_command

                call_command("migrate", verbosity=0)  # the code's indexes, if it has new ones
                return None, None
            print("--reuse: the database holds another number of cards; generating.")
        except Exception as exc:  # noqa: BLE001 (no such database yet: generate it)
            print(f"--reuse: {type(exc).__name__}; generating.")
        from django.db import connections

        connections.close_all()
        common.database_recreate(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        common.database_ready(url, wm.django_start)
    return wm.people_create(), 0.0


def _snapshots() -> dict[str, dict]:
    from metrics.models import WeeklySnapshot

    return dict(WeeklySnapshot.objects.values_list("week", "figures"))


def walk_backfill(*, process, weeks: list[str], now: datetime) -> dict:
    from django.db import connection

    from metrics.services import snapshots, weekly_snapshots_walk

    began, marks, database, sections = time.perf_counter(), {}, [0.0], [0.0]

    def progress(week: str) -> None:
        marks[week] = time.perf_counter() - began

    def timed(execute, sql, params, many, context):  # the time PostgreSQL answers in
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database[0] += time.perf_counter() - start

    def sections_timed(name: str):  # the stored sections (metrics/sections.py), all weeks
        call = getattr(snapshots, name)

        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                sections[0] += time.perf_counter() - start

        return mock.patch.object(snapshots, name, run)

    load, backend = os.getloadavg(), _backend_cpu()
    cpu = time.process_time()
    with (
        connection.execute_wrapper(timed),
        sections_timed("weekly_sections_stored"),
        sections_timed("weekly_sections_stored_weeks"),
    ):
        weekly_snapshots_walk(process_id=process.pk, weeks=weeks, now=now, progress=progress)
    seconds = time.perf_counter() - began
    cpu, backend = time.process_time() - cpu, _backend_cpu() - backend
    first = marks[weeks[0]]
    between = [marks[b] - marks[a] for a, b in zip(weeks, weeks[1:], strict=False)]
    return {
        "weeks": len(marks),
        "seconds": round(seconds, 1),
        # Statements executed (PostgreSQL's work and the rows' transfer) and the rest (Python
        # that no statement ran beside: the carried figures' run beside each week's statement,
        # metrics/flow/walk.py, so the Python here is what the walk adds to the statements).
        "database_seconds": round(database[0], 1),
        "python_seconds": round(seconds - database[0], 1),
        # Of the whole: the stored sections' figures (sales, money, ...), statements included.
        "sections_seconds": round(sections[0], 1),
        # CPU time, what a loaded machine inflates least: this process's and its PostgreSQL
        # backend's (read from /proc: the server on this machine; null elsewhere).
        "cpu_seconds_python": round(cpu, 1),
        "cpu_seconds_postgresql": round(backend, 1) if backend == backend else None,
        "load_average_before": [round(x, 2) for x in load],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "first_week_seconds": round(first, 2),  # the copy of the history, the fold, the week
        "next_weeks_seconds_median": round(statistics.median(between), 2) if between else None,
        "next_weeks_seconds_max": round(max(between), 2) if between else None,
        "seconds_by_week": {w: round(s, 2) for w, s in marks.items()},
    }


def _backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (NaN when unreadable)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compare_all(walked: dict[str, dict], alone: dict[str, dict]) -> dict:
    """Every figure of every week computed both ways."""
    compared = 0
    for week, figures in alone.items():
        differences = wm.figures_differ(walked[week], figures)
        if differences or walked[week] != figures:
            print(f"\nThe walk and the week alone disagree on {week}:", *differences[:40])
            raise SystemExit(f"FAIL: {week} differs between the walk and the week alone.")
        compared += wm._leaves(figures)
    return {"weeks_compared": len(alone), "figures_compared": compared, "all_equal": True}


def against_floor(*, process, walked: dict[str, dict], weeks: list[str], now) -> dict:
    from processes.models import Status

    statuses = list(
        Status.objects.filter(process=process)
        .order_by("order", "id")
        .values_list("slug", flat=True)
    )
    sql, compared = wm.floor_sql(statuses), 0
    for week in weeks:
        floor = wm.floor_run(sql, wm.floor_params(process, week, now))
        differences = wm.figures_differ(walked[week], floor)
        if differences:
            print(f"\nThe floor and the walk disagree on {week}:", *differences[:40], sep="\n  ")
            raise SystemExit(f"FAIL: {len(differences)} figures of {week} differ from the floor.")
        compared += wm._leaves(floor)
    return {"weeks": weeks, "figures_compared": compared, "all_equal": True}


def new_week(*, process, week: str, now: datetime, runs: int) -> dict:
    from metrics.flow import weekly_flow_metrics, weekly_flow_walk
    from metrics.services import weekly_snapshot_compute

    alone, walked = [], []
    for _ in range(runs):
        alone.append(
            wm._timed(lambda: weekly_snapshot_compute(process_id=process.pk, week=week, now=now))[0]
        )
        walked.append(
            wm._timed(lambda: list(weekly_flow_walk(process=process, weeks=[week], now=now)))[0]
        )
    ((_, figures),) = weekly_flow_walk(process=process, weeks=[week], now=now)
    assert figures == weekly_flow_metrics(process=process, week=week, now=now), week
    return {
        "week": week,
        "alone_seconds_median": round(statistics.median(alone), 2),
        "alone_seconds_runs": [round(r, 2) for r in alone],
        "walk_of_one_week_seconds_median": round(statistics.median(walked), 2),
        "walk_of_one_week_seconds_runs": [round(r, 2) for r in walked],
        "figures_equal": True,
    }


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=1_000_000, help="cards (default 1000000)")
    parser.add_argument("--reuse", action="store_true", help="keep N cards already generated")
    parser.add_argument(
        "--each-week-budget",
        type=int,
        default=3600,
        help="seconds after which the week-alone backfill stops (default 3600)",
    )
    parser.add_argument("--floor-all", action="store_true", help="every week against the floor")
    parser.add_argument("--runs", type=int, default=3, help="runs of the new week (median)")
    parser.add_argument(
        "--walk-only",
        action="store_true",
        help="time the walk alone (no week alone, no floor, no new week); written to"
        " weekly_backfill_<N>_walk.json",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate the data (or find it with --reuse) and stop: a later run with --reuse"
        " measures on it",
    )
    args = parser.parse_args()
    if args.output == RESULTS:
        size = f"{args.cards // 1_000_000}m" if args.cards % 1_000_000 == 0 else None
        size = size or f"{args.cards // 1000}k"
        args.output = RESULTS.with_name(f"weekly_backfill_{size}.json")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the floor is PostgreSQL SQL (percentile_cont, jsonb): give a PostgreSQL URL")

    started, code = time.perf_counter(), common.code_version()  # the code as it was loaded
    people, _ = data_ready(args.database_url, args.cards, args.reuse)
    from processes.models import Process

    process = Process.objects.get(slug="order-to-cash")
    tz = ZoneInfo(wm._zone_name(process))
    weeks = wm.weeks_of_year(datetime.now(UTC), tz)
    start, now = wm._week_start(weeks[0], tz), wm._week_start(weeks[-1], tz) + timedelta(weeks=1)
    generated = None
    if people:
        wm.cards_delete()
        print(f"\n{args.cards:,} cards over {len(weeks)} weeks: generating...", flush=True)
        seconds, _ = wm._timed(
            lambda: wm.cards_generate(n=args.cards, start=start, end=now, now=now, people=people)
        )
        generated = round(seconds, 1)
    mix = wm.data_mix()
    print(f"  {mix['cards']:,} cards, {mix['events']:,} events", flush=True)
    if args.generate_only:
        print(f"Generated in {generated} s; measure with --reuse (the same ISO week).")
        return

    wm.snapshots_delete()
    print(f"  the walk: {weeks[0]} .. {weeks[-1]}...", flush=True)
    walk = walk_backfill(process=process, weeks=weeks, now=now)
    walked = _snapshots()
    print(
        f"  the walk: {walk['weeks']} weeks in {walk['seconds']:.1f} s (first week"
        f" {walk['first_week_seconds']:.1f} s, then {walk['next_weeks_seconds_median']:.2f} s"
        f" a week; statements {walk['database_seconds']:.1f} s, Python"
        f" {walk['python_seconds']:.1f} s; load {walk['load_average_after'][0]:.1f})",
        flush=True,
    )
    if args.walk_only:
        report = {
            "benchmark": "weekly_backfill (the walk alone)",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cards": args.cards,
            "weeks": [weeks[0], weeks[-1]],
            "machine": common.machine(),
            "code": code,
            "mix": mix,
            "walk": walk,
        }
        common.report_write(report, args.output.with_name(args.output.stem + "_walk.json"))
        return
    wm.snapshots_delete()
    print("  each week alone...", flush=True)
    alone = wm.backfill(
        process=process, weeks=weeks, now=now, timeout=3600, budget=args.each_week_budget
    )
    computed = alone["weeks_computed"]
    alone_year = alone["seconds"] if alone["finished"] else alone["seconds"] / computed * len(weeks)
    print(
        f"  each week alone: {computed} weeks in {alone['seconds']:.0f} s"
        + ("" if alone["finished"] else f" (stopped: {alone['stopped']})"),
        flush=True,
    )
    equal = compare_all(walked, _snapshots())
    print(f"  {equal['figures_compared']:,} figures of {computed} weeks equal", flush=True)
    mid = weeks[len(weeks) // 2]
    floor = against_floor(
        process=process, walked=walked, weeks=weeks if args.floor_all else [mid], now=now
    )
    print(f"  the floor: {floor['figures_compared']:,} figures equal", flush=True)
    fresh = new_week(process=process, week=weeks[-1], now=now, runs=args.runs)
    print(
        f"  new week {weeks[-1]}: alone {fresh['alone_seconds_median']:.2f} s, walk of it"
        f" {fresh['walk_of_one_week_seconds_median']:.2f} s",
        flush=True,
    )
    ratio = round(alone_year / walk["seconds"], 1)
    report = {
        "benchmark": "weekly_backfill",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cards": args.cards,
        "weeks": [weeks[0], weeks[-1]],
        "data_end": now.isoformat(),
        "machine": common.machine(),
        "machine_note": "2 CPUs shared with 7 other engineers' jobs: times are inflated",
        "code": code,
        "generate_seconds": generated,
        "mix": mix,
        "walk": walk,
        "each_week_alone": alone,
        "each_week_alone_year_seconds": round(alone_year, 1),
        "each_week_alone_year_estimated": not alone["finished"],
        "ratio_alone_over_walk": ratio,
        "walk_equals_alone": equal,
        "walk_against_floor": floor,
        "new_week": fresh,
        "acceptance": {
            "goal_seconds_at_1m": GOAL_SECONDS_AT_1M,
            "walk_seconds": walk["seconds"],
            "pass": args.cards < 1_000_000 or walk["seconds"] <= GOAL_SECONDS_AT_1M,
        },
    }
    report["total_run_seconds"] = round(time.perf_counter() - started, 1)
    common.report_write(report, args.output)
    estimated = " (estimated from the weeks reached)" if not alone["finished"] else ""
    print(common.report_heading(report, "Weekly backfill", f"{args.cards:,} cards"))
    print(
        f"year's backfill: walk {walk['seconds']:.1f} s (statements {walk['database_seconds']:.1f}"
        f" s, Python {walk['python_seconds']:.1f} s; CPU {walk['cpu_seconds_python']:.1f} s"
        f" Python + {walk['cpu_seconds_postgresql']} s PostgreSQL;"
        f" load {walk['load_average_after'][0]:.1f}),"
        f" each week alone {alone_year:.0f} s{estimated}: {ratio}x\n"
        f"figures equal: {equal['figures_compared']:,} (walk vs alone, {computed} weeks),"
        f" {floor['figures_compared']:,} (walk vs floor)\n"
        f"new week: alone {fresh['alone_seconds_median']:.2f} s, a walk of it"
        f" {fresh['walk_of_one_week_seconds_median']:.2f} s\n"
        f"Whole run {report['total_run_seconds']:.0f} s. Written to {args.output}"
    )


if __name__ == "__main__":
    main()
