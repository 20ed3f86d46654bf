"""The few SQL fragments that differ between PostgreSQL and SQLite in the weekly flow metrics'
statement (metrics/flow/sql.py): seconds between two instants, reading JSON, the latest event
of a card, an instant as the database compares it."""

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Dialect:
    name: str

    def seconds(self, later: str, earlier: str) -> str:
        if self.name == "postgresql":
            return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
        # julianday counts days as a double, to the millisecond: plenty for days with 1 decimal.
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"

    def microseconds(self, later: str, earlier: str) -> str:
        """PostgreSQL: the whole microseconds between two instants, exact (a double of seconds
        below 2**53 microseconds, rounded back)."""
        assert self.name == "postgresql", "SQLite keeps its instants to the millisecond"
        return f"CAST(date_part('epoch', {later} - {earlier}) * 1000000 AS BIGINT)"

    def json_text(self, column: str, *keys: str) -> str:
        if self.name == "postgresql":
            path = "".join(f"->'{k}'" for k in keys[:-1])
            return f"({column}{path}->>'{keys[-1]}')"
        return f"json_extract({column}, '$.{'.'.join(keys)}')"

    def json_is_true(self, column: str, *keys: str) -> str:
        if self.name == "postgresql":
            return f"({self.json_text(column, *keys)} = 'true')"
        return f"({self.json_text(column, *keys)} = 1)"

    def sortable_instant(self, column: str) -> tuple[str, int]:
        """Text of an instant that sorts like the instant, and its fixed width."""
        if self.name == "postgresql":
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')", 26
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {column})", 23

    def event_key(self, at: str, id_: str) -> tuple[str, int]:
        """Text that sorts events like (at, id), and its fixed width: MAX of it picks the later
        event, the later id winning a tie of instants."""
        stamp, width = self.sortable_instant(at)
        if self.name == "postgresql":
            return f"{stamp} || lpad(CAST({id_} AS TEXT), 20, '0')", width + 20
        return f"{stamp} || printf('%%020d', {id_})", width + 20

    def latest(self, value: str, where: str, width: int) -> str:
        """The `value` of a card's latest event (by at, id) among those `where` holds, in a
        GROUP BY card: on PostgreSQL an ordered array_agg (cheaper than writing each instant
        as text), elsewhere the MAX of the event key with the value appended."""
        if self.name == "postgresql":
            return f"(array_agg({value} ORDER BY at DESC, id DESC) FILTER (WHERE {where}))[1]"
        key, _ = self.event_key("at", "id")
        return f"substr(MAX(CASE WHEN {where} THEN {key} || {value} END), {width + 1})"

    def earliest(self, value: str, where: str, width: int) -> str:
        """The `value` of a card's earliest event (by at, id) among those `where` holds."""
        if self.name == "postgresql":
            return f"(array_agg({value} ORDER BY at, id) FILTER (WHERE {where}))[1]"
        key, _ = self.event_key("at", "id")
        return f"substr(MIN(CASE WHEN {where} THEN {key} || {value} END), {width + 1})"

    def fenced(self, cte: str) -> str:
        """The rows of a common table expression read once, made before they are read. Read
        once, PostgreSQL writes an expression into each place its column is read: the margins
        (metrics/flow/sql.py, `mg`) computed a card's net eight times, and the net its price's
        decimals twice (at 1,000,000 cards, 15,000 agreed cards a week: the margins 0.22 -> 0.16 s
        of the week's 0.7 s). OFFSET 0 keeps the subquery apart."""
        if self.name == "postgresql":
            return f"(SELECT * FROM {cte} OFFSET 0) {cte}"
        return cte

    def instant(self, text: str) -> str:
        """An ISO instant written by Python (`datetime.isoformat()` in UTC) as the database
        compares its datetime columns and parameters."""
        if self.name == "postgresql":
            return f"CAST({text} AS TIMESTAMPTZ)"
        # Django keeps SQLite datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
        return f"replace(substr({text}, 1, length({text}) - 6), 'T', ' ')"

    def json_is_object(self, column: str, *keys: str) -> str:
        if self.name == "postgresql":
            path = "".join(f"->'{k}'" for k in keys)
            return f"(jsonb_typeof({column}{path}) = 'object')"
        return f"(json_type({column}, '$.{'.'.join(keys)}') = 'object')"

    def json_has(self, column: str, key: str) -> str:
        """Whether the JSON object has the key (its value may be null)."""
        if self.name == "postgresql":
            return f"(jsonb_typeof({column}->'{key}') IS NOT NULL)"
        return f"(json_type({column}, '$.{key}') IS NOT NULL)"


def dialect() -> Dialect:
    return Dialect("postgresql" if connection.vendor == "postgresql" else "sqlite")
