"""The part of the weekly flow metrics' SQL that reads the history: the process's events that
metrics read (their JSON taken apart), and the fold of a card's events into its points. The
per-week statement (metrics/flow/sql.py) and the walk (metrics/flow/walk.py) share this text."""

from metrics.flow.dialect import Dialect


def statuses_sql(n: int, template: str, joiner: str = ",\n        ") -> str:
    """One SQL fragment per status of the process (k, and its slug as the parameter s{k})."""
    return joiner.join(template.format(k=k, s=f"%(s{k})s") for k in range(n))


MOVE = "kind IN ('created', 'transition')"


def events(d: Dialect, *, until: str | None) -> str:
    """The process's events that metrics read, with the values they carry taken out of their
    JSON. `until`: a parameter naming the moment the figures are "as of" (the events after it
    are kept only where a figure reads them: moves that ended a visit past its deadline, client
    changes), or None for every event (the walk, metrics/flow/walk.py)."""
    breached = d.json_is_true("e.data", "sla", "breached")
    due = d.instant(d.json_text("e.data", "sla", "due_at"))
    client_change = f"{d.json_text('e.data', 'field')} = 'client'"

    def client_text(key: str) -> str:  # a client id as text, '' for none (the latest wins)
        return f"COALESCE(CAST({d.json_text('e.data', key)} AS VARCHAR(20)), '')"

    upto = (
        f"""
        AND (e.at < {until} OR (e.kind = 'transition' AND {breached})
            OR e.kind = 'field_change')"""
        if until
        else ""
    )
    return f"""SELECT e.id, e.card_id, e.kind, e.at, e.from_status, e.to_status, e.reason,
        CASE WHEN e.kind = 'transition' AND {d.json_is_object("e.data", "sla")}
            THEN CASE WHEN {breached} THEN 1 ELSE 0 END
            END AS breached,
        CASE WHEN e.kind = 'transition' AND {breached}
            THEN COALESCE({due}, e.at) END AS due_at,
        CASE WHEN e.kind = 'created' THEN {d.json_text("e.data", "responsible")}
            WHEN e.kind = 'assignment' THEN {d.json_text("e.data", "new")} END AS resp,
        CASE WHEN e.kind = 'created' THEN {d.json_text("e.data", "channel")} END AS chan,
        CASE WHEN e.kind = 'created' AND {d.json_has("e.data", "client_id")}
                THEN {client_text("client_id")}
            WHEN e.kind = 'field_change' AND {d.json_has("e.data", "new_id")}
                THEN {client_text("new_id")} END AS cli,
        CASE WHEN e.kind = 'field_change' AND {d.json_has("e.data", "old_id")}
            THEN {client_text("old_id")} END AS cli_old
    FROM processes_event e JOIN processes_requestcard c ON c.id = e.card_id
    WHERE c.process_id = %(process)s
        AND (e.kind IN ('created', 'transition', 'block', 'unblock', 'assignment')
            OR (e.kind = 'field_change' AND {client_change})){upto}"""


def fold(d: Dialect, n: int) -> str:
    """The columns that fold a card's events (grouped by card_id) into its points: created,
    started, last moved, its status, responsible person and client (the latest by (at, id)), its
    channel at creation and the first time it reached each status. Every column is a MIN, a MAX
    or a latest value, so folding events in two parts by time and merging gives the same row
    (the walk, metrics/flow/walk.py)."""
    width = d.event_key("at", "id")[1]
    reach = statuses_sql(
        n, f"MIN(CASE WHEN {MOVE} AND to_status = {{s}} THEN at END) AS reach_{{k}}"
    )
    return f"""card_id,
        MIN(CASE WHEN kind = 'created' THEN at END) AS created_at,
        MIN(CASE WHEN kind = 'transition' AND from_status = %(first)s THEN at END) AS started_at,
        MAX(CASE WHEN {MOVE} THEN at END) AS moved_at,
        {d.latest("to_status", MOVE, width)} AS state,
        {d.latest("COALESCE(resp, '')", "kind IN ('created', 'assignment')", width)} AS resp,
        MAX(chan) AS created_channel,
        {d.latest("cli", "cli IS NOT NULL", width)} AS cli,
        {reach}"""
