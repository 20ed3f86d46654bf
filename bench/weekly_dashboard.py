"""The weekly dashboard's weight at 100,000 cards (issue 22): bytes, links and dots.

    .venv/bin/python bench/weekly_dashboard.py [--cards 100000] [--database-url URL] [--reuse]

It generates the cards and events of `weekly_metrics.py` (order to cash, a year of them) in its
own PostgreSQL database (`opmodel_bench_dashboard` by default, dropped and recreated), computes
the snapshots of the last complete week and of the 12 weeks before it (the dashboard's 12-week
charts read them), then renders `/dashboards/weekly/` for the process's accountable through
Django's test client and measures the page: its bytes in total and per section, its links,
`<circle>`s and `<title>`s, and whether every number in its tables still opens its cards (a
figure cell that is not a link is counted). The page must stay under 300 KB (issue 22).

`--reuse` keeps the database of an earlier run (no drop, no generation, no backfill): to measure
a change of the page on the same data. Writes bench/results/weekly_dashboard.json.
"""

import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import weekly_metrics as wm  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "weekly_dashboard.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_dashboard"
MAX_BYTES = 300 * 1024
TRAILING = 13  # the measured week and the 12 before it
RUNS = 3


def page_measure(html: str) -> dict:
    """What the page is made of: bytes per section, links, dots, tooltips, unlinked numbers."""
    sections = {}
    parts = re.split(r'(?=<section class="weekly-section" id=")', html)
    for part in parts[1:]:
        slug = re.match(r'<section class="weekly-section" id="([^"]+)"', part).group(1)
        sections[slug] = len(part[: part.find("</section>") + 10].encode())
    # A figure cell of a table: a <td> holding a number. Each must hold a link.
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    numbers = [c for c in cells if re.search(r"\d", re.sub(r"<[^>]+>", "", c))]
    unlinked = [c.strip()[:80] for c in numbers if "<a " not in c]
    return {
        "bytes": len(html.encode()),
        "bytes_by_section": sections,
        "links": html.count("<a "),
        "circles": html.count("<circle"),
        "titles": html.count("<title"),
        "number_cells": len(numbers),
        "number_cells_unlinked": len(unlinked),
        "unlinked_examples": unlinked[:5],
    }


def dashboard(*, week: str, manager_id: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    url = f"/dashboards/weekly/?process=order-to-cash&week={week}"
    client = Client()
    client.force_login(get_user_model().objects.get(pk=manager_id))
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    runs = []
    for _ in range(RUNS):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        runs.append(time.perf_counter() - began)
    return {
        "url": url,
        **page_measure(first.content.decode()),
        "seconds_median": round(statistics.median(runs), 3),
    }


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=100_000, help="cards (default 100000)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data of an earlier run again"
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the generator is PostgreSQL SQL: give a PostgreSQL URL")
    started = time.perf_counter()
    if args.reuse:
        wm.django_start(args.database_url)
    else:
        common.database_ready(args.database_url, wm.django_start)
    from django.contrib.auth import get_user_model

    from processes.models import Process, RequestCard

    process = Process.objects.get(slug="order-to-cash")
    tz = ZoneInfo(wm._zone_name(process))
    weeks = wm.weeks_of_year(datetime.now(UTC), tz)
    start, now = wm._week_start(weeks[0], tz), wm._week_start(weeks[-1], tz) + timedelta(weeks=1)
    week = weeks[-1]
    generated = None
    if args.reuse:
        manager_id = get_user_model().objects.get(username="bench_manager").pk
        cards = RequestCard.objects.count()
    else:
        people = wm.people_create()
        manager_id = people["manager_id"]
        print(f"{args.cards:,} cards: generating...", flush=True)
        began = time.perf_counter()
        wm.cards_generate(n=args.cards, start=start, end=now, now=now, people=people)
        generated = round(time.perf_counter() - began, 1)
        cards = RequestCard.objects.count()
        print(f"  {cards:,} cards in {generated:.0f} s; snapshots of {TRAILING} weeks...")
        filled = wm.backfill(
            process=process, weeks=weeks[-TRAILING:], now=now, timeout=600, budget=3600
        )
        print(f"  backfill: {filled['seconds']:.0f} s", flush=True)
    page = dashboard(week=week, manager_id=manager_id)
    report = {
        "benchmark": "weekly_dashboard",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cards": cards,
        "week": week,
        "generate_seconds": generated,
        "reused_data": args.reuse,
        "machine": common.machine(),
        "code": common.code_version(),
        "page": page,
        "max_bytes": MAX_BYTES,
        "pass": page["bytes"] < MAX_BYTES and page["number_cells_unlinked"] == 0,
        "total_run_seconds": round(time.perf_counter() - started, 1),
    }
    common.report_write(report, args.output)
    print(common.report_heading(report, "Weekly dashboard", f"week {week}, {cards:,} cards"))
    print(f"  page: {page['bytes'] / 1024:,.0f} KB (limit {MAX_BYTES // 1024} KB)")
    for slug, size in sorted(page["bytes_by_section"].items(), key=lambda kv: -kv[1]):
        print(f"    {slug:<24} {size / 1024:8,.1f} KB")
    print(
        f"  links {page['links']:,}, circles {page['circles']:,}, titles {page['titles']:,};"
        f" number cells {page['number_cells']:,}, unlinked {page['number_cells_unlinked']}"
    )
    print(f"  time (median of {RUNS}): {page['seconds_median'] * 1000:.0f} ms")
    print(("PASS" if report["pass"] else "FAIL") + f". Written to {args.output}")
    if not report["pass"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
