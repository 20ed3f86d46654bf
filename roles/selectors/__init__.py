"""Reads about who holds which process role (one module a concept, names re-exported here)."""

from roles.selectors.holders import (
    GRANT_COLUMNS,
    RoleHolders,
    grant_rows_of,
    grant_rows_sql,
    grants_of,
    people_holding,
    people_holding_role_in,
    role_holders,
)

__all__ = [
    "GRANT_COLUMNS",
    "RoleHolders",
    "grant_rows_of",
    "grant_rows_sql",
    "grants_of",
    "people_holding",
    "people_holding_role_in",
    "role_holders",
]
