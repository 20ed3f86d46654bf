def weekly_metrics_data(snapshot) -> dict:
    """The API's answer: the week's figures at the top level, with when they were computed."""
    return {**snapshot.figures, "computed_at": snapshot.computed_at.isoformat()}
