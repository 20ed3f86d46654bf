"""The money's weekly figures (finance/definitions.py): outstanding and overdue on the week's
last day, days sales outstanding over the trailing window, payments received in the week.
Kept with the week's snapshot (a stored section, metrics/sections.py), so the catalogue's
`money.*` rows exist for key results and reviews. Three queries whatever the data size."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from finance.definitions import FIGURE_DEFINITIONS, WINDOW_WEEKS
from finance.models import Invoice, Payment
from metrics.weeks import iso_week_bounds
from opmodel.formatting import day_text
from processes.calendars import process_zone

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)


def _amount(value) -> float:
    return float(value or 0)


def money_weekly_figures(process, week: str, now=None) -> dict | None:
    invoices = Invoice.objects.filter(card__process=process)
    if not invoices.exists():
        return None
    zone = process_zone(process)
    start, end = iso_week_bounds(process, week)
    monday = start.astimezone(zone).date()
    today = (now or timezone.now()).astimezone(zone).date()
    day = min(monday + timedelta(days=6), today)  # D: the week's last day, or today
    if day < monday:
        return None  # a week still to come
    alive = invoices.filter(issued_on__lte=day).exclude(voided_on__lte=day)
    paid_then = Subquery(
        Payment.objects.filter(invoice_id=OuterRef("pk"), paid_on__lte=day)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=MONEY,
    )
    owed = F("amount") - Coalesce(paid_then, ZERO)
    window_start = monday - timedelta(weeks=WINDOW_WEEKS - 1)
    totals = alive.aggregate(
        outstanding=Sum(owed, output_field=MONEY),
        overdue=Sum(owed, filter=Q(due_on__lt=day), output_field=MONEY),
        invoiced=Sum("amount", filter=Q(issued_on__gte=window_start)),
    )
    received = Payment.objects.filter(
        invoice__card__process=process, paid_on__gte=monday, paid_on__lte=day
    ).aggregate(total=Sum("amount"))["total"]
    window_days = (day - window_start).days + 1
    invoiced = totals["invoiced"] or Decimal(0)
    outstanding = totals["outstanding"] or Decimal(0)
    dso = round(float(outstanding / invoiced * window_days), 1) if invoiced else None
    return {
        "day": day.isoformat(),
        "outstanding": _amount(outstanding),
        "overdue_amount": _amount(totals["overdue"]),
        "invoiced_in_window": _amount(invoiced),
        "window_days": window_days,
        "dso": dso,
        "payments_received": _amount(received),
    }


def money_weekly_html(request, process, week, figures) -> str:
    return render_to_string(
        "finance/_weekly_money.html",
        {
            "money": figures,
            # The API keeps the ISO day; people read it as every screen writes a day.
            "day": day_text(date.fromisoformat(figures["day"])),
            "week": week,
            "definitions": FIGURE_DEFINITIONS,
        },
        request=request,
    )
