"""The promise's computations above processes (processes/promises.py holds the promise itself):
the typical remaining time (`typical`), the expected date it gives (`expected`, registered as a
promise estimator) and the weekly promise figures (`figures`). The risk scan is a service
(metrics/services/promise_risks.py)."""
