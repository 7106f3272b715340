"""Alembic environment: migrate the connection the caller hands over, with the ledger's models.

`datos_cali.ledger.versioning` builds the configuration in code and passes an open connection in
`config.attributes["connection"]`, already inside a locked transaction. Without one (offline
`--sql` rendering, or a hand-built Config) it falls back to `sqlalchemy.url` or `ledger_url()`.
"""

from __future__ import annotations

from alembic import context
from alembic.autogenerate.api import AutogenContext

from datos_cali.ledger import ventanilla  # noqa: F401  (its tables join Base.metadata)
from datos_cali.ledger.engine import create_ledger_engine, is_sqlite, ledger_url
from datos_cali.ledger.models import Base, UTCDateTime
from datos_cali.ledger.versioning import migration_connection

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, obj: object, autogen_context: AutogenContext) -> str | bool:
    """Render app-level types as plain SQLAlchemy ones, so revisions never import the app."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or ledger_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite(url),
        transactional_ddl=True,
        literal_binds=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = create_ledger_engine(config.get_main_option("sqlalchemy.url") or ledger_url())
    try:
        with migration_connection(engine) as connection:
            run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
