"""The aging chart as server-side SVG: one dot per open card by status (x) and age (y), with
horizontal lines at the cycle-time percentiles; the 85th is the SLE. Every dot links to its
card."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 720, 320, 56, 16, 40


def aging_svg(*, statuses: list[tuple[str, str]], cards, lines: dict[int, float]) -> SafeString:
    """`statuses` [(slug, name)] in process order; `cards` AgingCard rows; `lines` {p: days}."""
    if not statuses:
        return SafeString("")
    top = max([c.age_days for c in cards] + list(lines.values()) + [1.0]) * 1.1
    column = (WIDTH - LEFT) / len(statuses)
    x_of = {slug: LEFT + column * (k + 0.5) for k, (slug, _) in enumerate(statuses)}

    def y(days: float) -> str:
        return f"{TOP + (HEIGHT - TOP - BOTTOM) * (1 - days / top):.1f}"

    def n(value: float) -> str:  # format_html escapes its arguments to text first
        return f"{value:.1f}"

    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
        ((n(x_of[slug]), HEIGHT - 20, name) for slug, name in statuses),
    )
    rules = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="4 3" '
        'data-percentile="{}"/>'
        '<text x="{}" y="{}" font-size="11">P{} {} d{}</text>',
        (
            (
                LEFT,
                WIDTH,
                y(d),
                y(d),
                "#b5472b" if p == 85 else "#888",
                p,
                LEFT + 4 + 130 * k,  # side by side: equal percentiles would overlap
                y(d - top * 0.01),
                p,
                d,
                " (SLE)" if p == 85 else "",
            )
            for k, (p, d) in enumerate(sorted(lines.items()))
        ),
    )
    dots = format_html_join(
        "",
        '<a href="{}"><circle cx="{}" cy="{}" r="4" fill="{}" data-card="{}"{}>'
        "<title>#{} {}: {} days</title></circle></a>",
        (
            (
                reverse("card-detail", args=[c.id]),
                n(x_of.get(c.status, LEFT)),
                y(c.age_days),
                "#b5472b" if c.past_sle else "#3465a4",
                c.id,
                " data-past-sle" if c.past_sle else "",
                c.id,
                c.title,
                n(c.age_days),
            )
            for c in cards
        ),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="Aging work in progress" '
        'class="aging-chart" width="100%">{}{}{}'
        '<text x="4" y="{}" font-size="11">age (days)</text></svg>',
        WIDTH,
        HEIGHT,
        labels,
        rules,
        dots,
        TOP + 8,
    )
