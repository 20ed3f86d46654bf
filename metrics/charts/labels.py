"""Numbers and dates as the charts write them: labels for managers, exact tooltips, ticks."""

import math
import re
from datetime import date

from metrics.charts.scales import is_int
from opmodel.formatting import share_text

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_value(v: float, *, percent: bool = False, decimals: int | None = None) -> str:
    """A label for managers: counts whole, days with one decimal, shares as whole percents.

    ``decimals`` defaults to 0 for a whole number and 1 otherwise; charts pass one choice for
    all their labels so that "6.0" and "3.1" sit side by side, not "6" and "3.1".
    """
    if percent:
        return share_text(v, keep_tiny=True)  # 0.4% must not read as zero
    if decimals is None:
        decimals = 0 if is_int(v) else 1
    return f"{v:,.{decimals}f}"


def common_decimals(values) -> int:
    """One number of decimals for a chart's labels: 0 if all are whole, else 1."""
    return 0 if all(is_int(v) for v in values) else 1


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_exact(v: float, *, percent: bool = False) -> str:
    """The tooltip value: two decimals, trailing zeros dropped."""
    return _trim(f"{v * 100:,.2f}") + "%" if percent else _trim(f"{v:,.2f}")


def tick_label(v: float, ticks: list[float], percent: bool) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    scale = 100 if percent else 1
    digits = max(0, -math.floor(math.log10(step * scale) + 1e-9))
    return f"{v * scale:,.{digits}f}" + ("%" if percent else "")


def short_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"  # fixed names: strftime("%b") follows the C locale


def week_label(label: str) -> str:
    """Shortens "2026-W47" to "W47"; other labels pass unchanged."""
    m = re.fullmatch(r"\d{4}-(W\d{2})", label)
    return m.group(1) if m else label
