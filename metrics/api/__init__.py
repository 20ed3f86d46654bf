"""The metrics API: `views` (GET /api/metrics/weekly/), `serializers`, `urls`."""
