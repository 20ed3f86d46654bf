"""One percentile for figures computed in Python (the SQL figures use percentile_cont, the same
rule)."""


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, percentile_cont); None for
    no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
