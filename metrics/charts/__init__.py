"""Server-side SVG charts for the weekly flow dashboard.

Pure functions from plain data to one inline ``<svg>``: no database, no JavaScript, nothing loaded
at run time. Text that may come from users (status and channel names, block reasons, card titles,
links) only reaches the markup through ``format_html``, so it is always escaped. The output
depends on the input alone, so a week renders to the same string every time and can be cached.

Conventions shared by all charts: ``None`` values are skipped; when nothing is left the chart
says "No data for this week"; every mark with an ``href`` is wrapped in a link, and every mark
carries a ``<title>`` tooltip with its exact value. Shares are fractions (0.42 shows as "42%").

The primitives: ``svg`` (markup, escaping, links), ``scales`` (ticks, scales, the frame),
``labels`` (numbers and dates as text), ``axes`` (value axis, reference lines). The chart kinds:
``run`` (a value per week), ``cumulative`` (cumulative flow), ``dots`` (scatter with percentile
lines, aging-WIP strips), ``bars`` (bars, e.g. the conversion funnel). Callers use the names
re-exported here.
"""

from metrics.charts.bars import bar_chart
from metrics.charts.cumulative import stacked_area
from metrics.charts.dots import scatter, strip_chart
from metrics.charts.labels import fmt_exact, fmt_value, short_date, week_label
from metrics.charts.points import Band, ChartPoint, ScatterPoint, Series, StripColumn
from metrics.charts.run import run_chart
from metrics.charts.scales import nice_step, nice_ticks
from metrics.charts.svg import EMPTY_MESSAGE, PALETTE

__all__ = [
    "EMPTY_MESSAGE",
    "PALETTE",
    "Band",
    "ChartPoint",
    "ScatterPoint",
    "Series",
    "StripColumn",
    "bar_chart",
    "fmt_exact",
    "fmt_value",
    "nice_step",
    "nice_ticks",
    "run_chart",
    "scatter",
    "short_date",
    "stacked_area",
    "strip_chart",
    "week_label",
]
