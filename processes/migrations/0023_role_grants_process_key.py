"""On PostgreSQL, a foreign key constraint from roles' grants to their process.

roles keeps a grant's process as a plain id column (roles sits below processes, so its models
and migrations name none of processes': docs/design.md, "Decisions"). processes, above, owns
the rule that a grant's process exists: deletes go through processes/role_grants.py, and this
constraint refuses anything else. Databases migrated before issue 19 already have the same
constraint, made by the ForeignKey roles had then; it is kept. SQLite (development) cannot add a
constraint to an existing table, so there the deletes alone keep the rule.
"""

from django.db import migrations

CONSTRAINT = "roles_processrole_process_id_fk_processes"


def _tables(apps):
    grants = apps.get_model("roles", "ProcessRole")._meta.db_table
    processes = apps.get_model("processes", "Process")._meta.db_table
    return grants, processes


def add_constraint(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    grants, processes = _tables(apps)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, grants)
    if any(c["foreign_key"] and c["columns"] == ["process_id"] for c in constraints.values()):
        return
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(grants)} ADD CONSTRAINT {quote(CONSTRAINT)} "
        f"FOREIGN KEY ({quote('process_id')}) REFERENCES {quote(processes)} ({quote('id')}) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    grants, _ = _tables(apps)
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(grants)} DROP CONSTRAINT IF EXISTS {quote(CONSTRAINT)}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0022_card_links"),
        ("roles", "0006_informed_of"),
    ]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
