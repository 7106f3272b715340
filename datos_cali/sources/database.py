"""A SQL query through SQLAlchemy; the result is written as UTF-8 CSV before anything else."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Literal

import pandas as pd
import sqlalchemy
from sqlalchemy.exc import SQLAlchemyError

from datos_cali.catalog.models import Dataset
from datos_cali.settings import Paths
from datos_cali.sources.base import Pulled, SourceError, SourceKind, SourceSettings

NO_URL = "La fuente SQL usa «{location}», pero la variable de entorno no está definida."
QUERY_FAILED = "La consulta SQL falló: {reason}"


def resolve_url(location: str) -> str:
    if location.startswith("env:"):
        value = os.environ.get(location[4:])
        if not value:
            raise SourceError(NO_URL.format(location=location))
        return value
    return location


class SqlSettings(SourceSettings):
    """A query through SQLAlchemy; `location` is a URL or `env:VARIABLE` holding one."""

    kind: Literal["sql"]
    location: str
    query: str


def pull_sql(settings: SqlSettings, dataset: Dataset, paths: Paths) -> Pulled:
    url = resolve_url(settings.location)
    query = settings.query
    engine = sqlalchemy.create_engine(url)
    try:
        try:
            connection = engine.connect()
        except SQLAlchemyError as exc:  # the server is down or unreachable: worth a retry
            raise SourceError(
                QUERY_FAILED.format(reason=_first_line(exc)), transient=True
            ) from None
        with connection:
            try:
                frame = pd.read_sql_query(
                    sqlalchemy.text(query), connection, dtype_backend="pyarrow"
                )
            except (SQLAlchemyError, pd.errors.DatabaseError) as exc:  # the query itself is wrong
                raise SourceError(QUERY_FAILED.format(reason=_first_line(exc))) from None
    finally:
        engine.dispose()
    paths.state.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(suffix=".csv", prefix="sql-", dir=paths.state)
    target = Path(name)
    with open(descriptor, "wb") as handle:
        frame.to_csv(handle, index=False, encoding="utf-8")
    safe = sqlalchemy.engine.make_url(url).render_as_string(hide_password=True)
    return Pulled(
        "sql",
        f"sql:{safe}",
        "consulta.csv",
        target,
        time.time(),
        cleanup=lambda: target.unlink(missing_ok=True),
    )


def _first_line(exc: Exception) -> str:
    """The database's own message, without the SQL echo or SQLAlchemy's background link."""
    text = str(getattr(exc, "orig", None) or exc)
    text = text.split("Execution failed on sql", 1)[-1]
    return text.strip().splitlines()[0][:200] if text.strip() else type(exc).__name__


KIND = SourceKind(SqlSettings, pull_sql)
