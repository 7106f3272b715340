"""Does a Socrata view already say what the catalog says? Compared as Socrata stores it.

Real Socrata does not give back what it was sent: `metadata.rowIdentifier` sent as a field name
comes back as the column's numeric id (sodapy's recorded create: `"bar"` → `230641051`), the
view and its metadata gain keys of Socrata's own (`owner`, `rights`, `renderTypeConfig`,
`availableDisplayTypes`, columns' `tableColumnId`, …). Comparing sent with read-back would PUT
the metadata on every run and bump `viewLastModified` for every harvester. This module answers
which top-level keys really differ, and builds each of them whole from the portal's copy plus
the catalog's values (Socrata replaces every top-level key it receives), so nothing the
pipeline does not own is lost.
"""

from __future__ import annotations

from datos_cali.portals.base import DatasetSpec


def metadata_changes(current: dict, spec: DatasetSpec, ours: dict) -> dict:
    """The top-level view keys to PUT so the view says what the catalog says; {} when it does.

    `ours` is the catalog's view body (name, description, category, tags, attribution,
    licenseId). Every key is sent whole (Socrata replaces each top-level key it receives), built
    from what the portal has plus the catalog's values, so nothing the pipeline does not own is
    lost. Compared as Socrata stores them: tags without regard to order or case, a custom field
    left blank the same as one absent, the row identifier by the column it names.
    """
    changed = {
        key: value for key, value in ours.items() if key != "tags" and current.get(key) != value
    }
    if not _same_tags(current.get("tags"), spec.tags):
        changed["tags"] = list(spec.tags)
    columns = current.get("columns") or []
    metadata = _merged_metadata(current.get("metadata") or {}, spec, columns)
    if metadata is not None:
        changed["metadata"] = metadata
    described = _described_columns(columns, spec)
    if described is not None:
        changed["columns"] = described
    return changed


def _same_tags(current, wanted) -> bool:
    return sorted(str(t).casefold() for t in current or []) == sorted(t.casefold() for t in wanted)


def _names_column(value, field: str, columns: list[dict]) -> bool:
    """Whether a stored rowIdentifier (a column id, as Socrata returns it, or a field name)
    designates the column `field`."""
    if value == field:
        return True
    column = next((c for c in columns if c.get("fieldName") == field), None)
    return column is not None and column.get("id") is not None and str(value) == str(column["id"])


def _merged_metadata(metadata: dict, spec: DatasetSpec, columns: list[dict]) -> dict | None:
    """The whole `metadata` object to send, or None when the portal's already agrees."""
    merged = dict(metadata)
    custom = {k: dict(v) for k, v in (metadata.get("custom_fields") or {}).items()}
    differs = False
    for fieldset, values in spec.custom_fields.items():
        stored = custom.setdefault(fieldset, {})
        for key, value in values.items():
            if stored.get(key, "") != value:
                stored[key] = value
                differs = True
    merged["custom_fields"] = custom
    rid = spec.row_identifier
    if rid and not _names_column(metadata.get("rowIdentifier"), rid, columns):
        merged["rowIdentifier"] = rid  # a field name; Socrata stores the column's id
        differs = True
    return merged if differs else None


def _described_columns(columns: list[dict], spec: DatasetSpec) -> list[dict] | None:
    """The portal's columns with the catalog's names and descriptions, or None if they match."""
    described = {c.field: c for c in spec.columns}
    differs = False
    out = []
    for column in columns:
        ours = described.get(column.get("fieldName"))
        if ours and (column.get("name"), column.get("description") or "") != (
            ours.name,
            ours.description,
        ):
            column = {**column, "name": ours.name, "description": ours.description}
            differs = True
        out.append(column)
    return out if differs else None
