"""The walk's statements beside its Python (metrics/flow/walk_tables.py): on PostgreSQL the week's
statement runs in a thread of its own on the walk's connection while the carried figures are
computed (the fold's rows read meanwhile, `run_then_read`); an error in either thread reaches
the caller, the connection goes on, and the session gets its settings back."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from metrics.flow import weekly_flow_metrics, weekly_flow_walk
from metrics.flow.walk_tables import Beside, run_then_read
from tests.metrics.test_figures_truth import NOW, history  # noqa: F401 (a fixture)

WEEKS = ["2026-W40", "2026-W41", "2026-W42"]
POSTGRESQL = connection.vendor == "postgresql"


def _threads_of(statements_starting: str, walk) -> set[int]:
    """The threads that ran the statements beginning with `statements_starting` in `walk`."""
    seen = set()

    def record(execute, sql, params, many, context):
        if sql.lstrip().startswith(statements_starting):
            seen.add(threading.get_ident())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        walk()
    return seen


def test_the_weeks_statement_runs_beside_the_carried_figures(history, o2c):  # noqa: F811
    walked = []
    threads = _threads_of(
        "WITH", lambda: walked.extend(weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW))
    )

    assert [week for week, _ in walked] == WEEKS
    if POSTGRESQL:  # a thread for each week's statement, none of them this one
        assert threads and threading.get_ident() not in threads
    else:  # SQLite: one connection, one writer; the statement runs first, here
        assert threads == {threading.get_ident()}


def test_a_statement_that_fails_beside_is_raised_and_the_connection_goes_on(db):
    ran = []
    with pytest.raises(DatabaseError), transaction.atomic():
        with Beside("SELECT * FROM no_such_table", {}):
            ran.append("the Python beside it")
    # On PostgreSQL raised once the Python beside it is done; on SQLite before (it runs first).
    assert ran == (["the Python beside it"] if POSTGRESQL else [])
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_an_error_in_the_python_beside_waits_for_the_statement_and_is_the_one_raised(db):
    with pytest.raises(ZeroDivisionError):
        with Beside("SELECT 3", {}) as statement:
            1 / 0  # noqa: B018
    assert statement.rows == [(3,)]  # the statement was waited for, not left running


def test_a_statements_rows_are_read_later_while_the_next_statement_runs(db):
    count, read = run_then_read("SELECT 1, 2 UNION ALL SELECT 2, 4 UNION ALL SELECT 3, 6", {})
    # The fold's rows become Python values beside the week's statement (walk.py).
    with Beside("SELECT 7", {}) as statement:
        rows = read()

    assert (count, rows, statement.rows) == (3, [(1, 2), (2, 4), (3, 6)], [(7,)])
    with connection.cursor() as cursor:  # the connection goes on
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_statement_read_later_that_fails_is_raised_at_once(db):
    with pytest.raises(DatabaseError), transaction.atomic():
        run_then_read("SELECT * FROM no_such_table", {})
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's session settings")
# Outside a test's transaction: the SET LOCAL of a savepoint lasts until the transaction's end.
@pytest.mark.django_db(transaction=True)
def test_the_walk_gives_the_session_its_settings_back(history, o2c):  # noqa: F811
    def settings() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            return cursor.fetchone()

    before = settings()
    seen = []
    for _ in weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW):
        seen.append(settings())

    assert seen[0] == ("64MB", "off")  # the walk's, for the statements beside
    assert settings() == before


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL's VACUUM and index-only scans")
@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside a transaction
def test_outside_a_transaction_the_moves_are_read_from_their_index_alone(history, o2c):  # noqa: F811
    def pages() -> tuple:  # the events' copy: its pages, those marked all visible
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT relpages, relallvisible FROM pg_class
                WHERE relname = 'flow_walk_ev' AND relpersistence = 't'"""
            )
            return cursor.fetchone()

    walked = {}
    for week, figures in weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW):
        walked[week] = figures
        if len(walked) == 1:
            total, visible = pages()
            assert total > 0 and visible == total

    assert walked == {week: weekly_flow_metrics(process=o2c, week=week, now=NOW) for week in WEEKS}
