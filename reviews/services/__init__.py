"""Actions of the rhythm, one per module: `reviews` (open, close), `decisions` (make, done, drop,
overdue). The reads it computes from live data are in reviews/selectors/."""
