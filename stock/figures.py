"""The weekly stock figures (docs/design.md, "Metric definitions", Stock), for the lines of one
process's cards:

- lines short at first reservation: lines whose first reservation fell in the week and could
  not get everything then (count, and share of the lines first reserved in the week);
- fill rate at first reservation: units reserved at the first reservation / units asked then;
- time waiting for stock: for the lines filled in the week, business time from going short to
  being filled (P50 and P85, hours with one decimal, linear interpolation);
- the products most often short: the five with most lines short at first reservation.
"""

from decimal import Decimal

from django.db.models import Count, Q
from django.template.loader import render_to_string

from metrics.weeks import iso_week_bounds
from opmodel.percentiles import percentile
from processes.definition import process_definition
from stock.models import StockLine

TOP_PRODUCTS = 5


def stock_weekly_figures(process, week: str) -> dict | None:
    lines = StockLine.objects.filter(card__process=process)
    if not lines.exists():
        return None
    start, end = iso_week_bounds(process, week)
    first = lines.filter(first_reserved_at__gte=start, first_reserved_at__lt=end)
    rows = list(first.values_list("first_quantity", "first_short"))
    asked = sum((q or Decimal(0) for q, _ in rows), Decimal(0))
    lacking = sum((s or Decimal(0) for _, s in rows), Decimal(0))
    short_count = sum(1 for _, s in rows if s and s > 0)
    working = process_definition(process).working_time
    waits = [
        working.between(went, filled) / 3600
        for went, filled in lines.filter(
            filled_at__gte=start, filled_at__lt=end, went_short_at__isnull=False
        ).values_list("went_short_at", "filled_at")
    ]
    products = (
        first.filter(first_short__gt=0)
        .values("product__sku", "product__name")
        .annotate(lines=Count("id"))
        .order_by("-lines", "product__sku")[:TOP_PRODUCTS]
    )
    p50, p85 = percentile(waits, 0.5), percentile(waits, 0.85)
    return {
        "lines_first_reserved": len(rows),
        "lines_short_at_first_reservation": short_count,
        "short_share": round(short_count / len(rows), 3) if rows else None,
        "fill_rate_at_first_reservation": (
            round(float((asked - lacking) / asked), 3) if asked else None
        ),
        "waits_filled": len(waits),
        "wait_hours_p50": None if p50 is None else round(p50, 1),
        "wait_hours_p85": None if p85 is None else round(p85, 1),
        "most_short": [
            {"sku": p["product__sku"], "name": p["product__name"], "lines": p["lines"]}
            for p in products
        ],
        "waiting_now": lines.filter(Q(short__gt=0), consumed=False).count(),
    }


def stock_weekly_html(request, process, week, figures) -> str:
    return render_to_string(
        "stock/_weekly_stock.html", {"stock": figures, "week": week}, request=request
    )
