"""The goals list's small run chart: drawn at its own size (so its 12-unit text is about 12px
in the table cell), the value range and the first and latest weeks only, shares as percents."""

import re

from goals.charts import SMALL_WIDTH, key_result_chart
from metrics.charts import ChartPoint


def points(n=9):
    weeks = [f"2026-W{40 + i}" for i in range(n)]
    weeks[-1] += " (in progress)"
    return [ChartPoint(label=w, value=0.5 + i / 100, href=None) for i, w in enumerate(weeks)]


def test_the_small_chart_labels_the_first_and_the_latest_week_only():
    svg = str(key_result_chart(points(), title="t", y_label="share", lines={}, small=True))
    assert f'viewBox="0 0 {SMALL_WIDTH}.0 110.0"' in svg
    assert "chart-goal-small" in svg
    assert re.findall(r'class="x-label"[^>]*>([^<]+)<', svg) == ["W40", "W48 so far"]


def test_the_full_chart_keeps_its_size_and_the_in_progress_label():
    svg = str(key_result_chart(points(), title="t", y_label="share", lines={}))
    assert 'viewBox="0 0 600.0 280.0"' in svg
    assert "chart-goal-small" not in svg
    assert "W48 (in progress)" in svg


def test_reference_lines_of_a_share_read_as_percents():
    svg = str(
        key_result_chart(
            points(), title="t", y_label="share", lines={"Target": 0.65}, percent=True, small=True
        )
    )
    assert "Target 65%" in svg
