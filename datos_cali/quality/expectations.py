"""Great Expectations, generated from the pandera contract — never a rule written twice.

`suite_spec(contract, dataset)` translates the contract into a list of GX expectations (plain
data, no GX import: the translation is testable in milliseconds); what has no GX equivalent is
listed in the suite's meta with the reason. `run_expectations(...)` builds that suite in an
ephemeral GX context (no project folder, nothing under the user's home), validates the typed
frame with result format SUMMARY — the dataset's row identifier, or else the file row, as the
index column — and builds the Data Docs site for auditors into the folder the caller gives.

Great Expectations takes seconds to import, so it is imported only inside `run_expectations`:
nothing else in the project (least of all the pre-check) loads it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from datos_cali.catalog.models import Dataset
from datos_cali.contracts.checks import CALI_COMUNAS, CALI_CORREGIMIENTOS
from datos_cali.contracts.schema import Contract
from datos_cali.quality import messages

if TYPE_CHECKING:
    import pandas as pd

SITE_NAME = "auditores"
FILE_ROW = "fila_archivo"  # index column added when the dataset has no row identifier
# Contract kinds → the type names GX's pandas engine compares (`dtype.type.__name__`); pyarrow's
# date32 has none, so dates are checked by the contract only (recorded in the suite meta).
GX_TYPES = {
    "text": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "datetime": "datetime64",
}


@dataclass(frozen=True)
class ExpectationSpec:
    type: str  # GX snake_case name, e.g. "expect_column_values_to_be_between"
    kwargs: dict
    source: str  # the contract rule it comes from: "<column>.<check>" or "schema.<check>"


@dataclass
class SuiteSpec:
    name: str
    expectations: list[ExpectationSpec] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"source", "reason"}
    notes: list[str] = field(default_factory=list)

    def meta(self) -> dict:
        return {
            "generado_desde": "contrato pandera (schemas/<conjunto>.yaml)",
            "omitidas": self.skipped,
            "notas": self.notes,
        }


@dataclass
class GxReport:
    docs_index: Path  # the Data Docs site's index.html
    evaluated: int
    successful: int
    unsuccessful: int
    results: list[dict]  # {"type", "column", "success", "unexpected_count", "unexpected_index"}
    skipped: list[dict]
    values_hidden: bool  # partial unexpected values left out because a column is personal

    def summary(self) -> dict:
        return {
            "evaluated_expectations": self.evaluated,
            "successful_expectations": self.successful,
            "unsuccessful_expectations": self.unsuccessful,
            "unexpected_counts": {
                f"{r['type']}:{r['column']}": r["unexpected_count"] for r in self.results
            },
            "skipped": self.skipped,
            "values_hidden": self.values_hidden,
            "docs_index": str(self.docs_index),
        }


# --- contract → suite (no GX here) ------------------------------------------------------------


def _places(rural: bool) -> list[str]:
    places = list(CALI_COMUNAS)
    if rural:
        places += [f"Rural - {c}" for c in CALI_CORREGIMIENTOS] + list(CALI_CORREGIMIENTOS)
    return places


def _anchored(pattern: str) -> str:
    """pandera's str_matches anchors at the start (re.match); GX searches anywhere."""
    return pattern if pattern.startswith("^") else f"^(?:{pattern})"


def _column_check(column: str, name: str, stats: dict, today: dt.date):
    """(type, kwargs) for one pandera column check, or (None, reason) when GX has no match."""
    between = "expect_column_values_to_be_between"
    if name == "isin":
        return "expect_column_values_to_be_in_set", {"value_set": list(stats["allowed_values"])}
    if name == "notin":
        return "expect_column_values_to_not_be_in_set", {
            "value_set": list(stats["forbidden_values"])
        }
    if name == "equal_to":
        return "expect_column_values_to_be_in_set", {"value_set": [stats["value"]]}
    if name == "not_equal_to":
        return "expect_column_values_to_not_be_in_set", {"value_set": [stats["value"]]}
    if name == "greater_than":
        return between, {"min_value": stats["min_value"], "strict_min": True}
    if name == "greater_than_or_equal_to":
        return between, {"min_value": stats["min_value"]}
    if name == "less_than":
        return between, {"max_value": stats["max_value"], "strict_max": True}
    if name == "less_than_or_equal_to":
        return between, {"max_value": stats["max_value"]}
    if name == "in_range":
        return between, {
            "min_value": stats["min_value"],
            "max_value": stats["max_value"],
            "strict_min": not stats.get("include_min", True),
            "strict_max": not stats.get("include_max", True),
        }
    if name == "str_matches":
        return "expect_column_values_to_match_regex", {"regex": _anchored(stats["pattern"])}
    if name == "str_contains":
        return "expect_column_values_to_match_regex", {"regex": stats["pattern"]}
    if name == "str_startswith":
        return "expect_column_values_to_match_regex", {"regex": "^" + re.escape(stats["string"])}
    if name == "str_endswith":
        return "expect_column_values_to_match_regex", {"regex": re.escape(stats["string"]) + "$"}
    if name == "str_length":
        return "expect_column_value_lengths_to_be_between", {
            "min_value": stats.get("min_value"),
            "max_value": stats.get("max_value"),
        }
    if name == "comuna_cali":
        return "expect_column_values_to_be_in_set", {"value_set": _places(bool(stats.get("rural")))}
    if name == "not_in_future":
        limit = today + dt.timedelta(days=int(stats.get("tolerance_days", 0)))
        return between, {"max_value": limit}
    return None, messages.GX_NO_EQUIVALENT


def _frame_check(name: str, stats: dict):
    if name == "column_ge":
        return "expect_column_pair_values_a_to_be_greater_than_b", {
            "column_A": stats["column"],
            "column_B": stats["other"],
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        }
    return None, messages.GX_NO_EQUIVALENT


def suite_spec(contract: Contract, dataset: Dataset, *, today: dt.date | None = None) -> SuiteSpec:
    """The contract's rules as GX expectations, in contract order; the rest recorded."""
    today = today or dt.date.today()
    spec = SuiteSpec(name=f"{dataset.slug}.contrato")
    add = spec.expectations.append
    for column, info in contract.columns.items():
        pandera_column = contract.schema.columns[column]
        gx_type = GX_TYPES.get(info.kind)
        if gx_type:
            add(
                ExpectationSpec(
                    "expect_column_values_to_be_of_type",
                    {"column": column, "type_": gx_type},
                    f"{column}.dtype",
                )
            )
        else:
            spec.skipped.append({"source": f"{column}.dtype", "reason": messages.GX_NO_DATE_TYPE})
        if not info.nullable:
            add(
                ExpectationSpec(
                    "expect_column_values_to_not_be_null", {"column": column}, f"{column}.nullable"
                )
            )
        if info.unique:
            add(
                ExpectationSpec(
                    "expect_column_values_to_be_unique", {"column": column}, f"{column}.unique"
                )
            )
        for check in pandera_column.checks:
            kind, kwargs = _column_check(column, check.name, dict(check.statistics), today)
            source = f"{column}.{check.name}"
            if kind is None:
                spec.skipped.append({"source": source, "reason": kwargs})
            else:
                add(ExpectationSpec(kind, {"column": column, **kwargs}, source))
            if check.name == "comuna_cali":
                spec.notes.append(messages.GX_NOTE_EXACT_SET.format(column=column))
    unique = contract.schema.unique
    if unique:
        columns = [unique] if isinstance(unique, str) else list(unique)
        add(
            ExpectationSpec(
                "expect_compound_columns_to_be_unique", {"column_list": columns}, "schema.unique"
            )
        )
    for check in contract.schema.checks:
        kind, kwargs = _frame_check(check.name, dict(check.statistics))
        source = f"schema.{check.name}"
        if kind is None:
            spec.skipped.append({"source": source, "reason": kwargs})
        else:
            add(ExpectationSpec(kind, kwargs, source))
    return spec


# --- running it (GX imported here only) -------------------------------------------------------


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _context(docs_dir: Path):
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx, gx.get_context(mode="ephemeral", project_config=config)


def run_expectations(
    frame: pd.DataFrame,
    contract: Contract,
    dataset: Dataset,
    docs_dir: Path,
    *,
    row_numbers=None,
    hidden_columns: frozenset[str] | set[str] = frozenset(),
    today: dt.date | None = None,
) -> GxReport:
    """Validate `frame` (typed, contract field names) and build the Data Docs in `docs_dir`.

    `hidden_columns` are columns the personal-data gate flagged (public by law, say): when the
    suite touches one — or any text column: the Data Docs are copied to the public report site,
    which never shows a cell of a text column — no example values are kept in the results or
    the Data Docs (GX then keeps no failing row ids either: the contract's findings name them).
    """
    docs_dir = Path(docs_dir).resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    spec = suite_spec(contract, dataset, today=today)
    gx, context = _context(docs_dir)
    text_columns = {name for name, column in contract.columns.items() if column.kind == "text"}
    touched = {e.kwargs.get("column") for e in spec.expectations}
    touched |= {c for e in spec.expectations for c in e.kwargs.get("column_list", [])}
    values_hidden = bool(touched & (set(hidden_columns) | text_columns))
    batch_frame = frame
    index_column = dataset.row_identifier
    if index_column is None and row_numbers is not None:
        batch_frame = frame.assign(**{FILE_ROW: list(map(int, row_numbers))})
        index_column = FILE_ROW
    suite = gx.ExpectationSuite(name=spec.name, meta=spec.meta())
    for expectation in spec.expectations:
        suite.add_expectation(
            getattr(gx.expectations, _camel(expectation.type))(**expectation.kwargs)
        )
    suite = context.suites.add(suite)
    asset = context.data_sources.add_pandas(dataset.slug).add_dataframe_asset("envio")
    batch = asset.add_batch_definition_whole_dataframe("completo")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{dataset.slug}.validacion", data=batch, suite=suite)
    )
    result_format: dict = {"result_format": "SUMMARY"}
    if index_column:
        result_format["unexpected_index_column_names"] = [index_column]
    if values_hidden:
        result_format["partial_unexpected_count"] = 0
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"{dataset.slug}.revision",
            validation_definitions=[definition],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=[SITE_NAME])],
            result_format=result_format,
        )
    )
    outcome = checkpoint.run(batch_parameters={"dataframe": batch_frame})
    validation = next(iter(outcome.run_results.values()))
    results = [_result(r, index_column) for r in validation.results]
    stats = validation.statistics
    return GxReport(
        docs_index=docs_dir / "index.html",
        evaluated=int(stats["evaluated_expectations"]),
        successful=int(stats["successful_expectations"]),
        unsuccessful=int(stats["unsuccessful_expectations"]),
        results=results,
        skipped=spec.skipped,
        values_hidden=values_hidden,
    )


def _result(result, index_column: str | None) -> dict:
    """One expectation's outcome, compact: counts and the first row ids (never the values)."""
    kwargs = result.expectation_config.kwargs
    column = (
        kwargs.get("column")
        or ",".join(kwargs.get("column_list", []))
        or f"{kwargs.get('column_A')}≥{kwargs.get('column_B')}"
    )
    index = result.result.get("partial_unexpected_index_list") or []
    return {
        "type": result.expectation_config.type,
        "column": column,
        "success": bool(result.success),
        "unexpected_count": int(result.result.get("unexpected_count") or 0),
        "unexpected_index": [
            entry[index_column] for entry in index if index_column and index_column in entry
        ],
    }
