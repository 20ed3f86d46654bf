"""Pages of metrics: `pages` (the daily review's risks page, the health page, the weekly
dashboard)."""
