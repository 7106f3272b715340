"""The automatic review codes: one test per code, each with the case that must stay quiet."""

import datetime as dt

from datos_cali.findings import Kind, Severity
from datos_cali.quality.review import REVIEWS, review
from tests.quality.builders import context

THREE = {"a": ["1", "2"], "b": ["x", "y"], "c": ["p", "q"]}


def codes(ctx) -> list[str]:
    return [f.code for f in review(ctx)]


def test_every_code_has_a_setting(tmp_path):
    settings = context(tmp_path, THREE).settings
    assert set(REVIEWS) == set(settings.review)


def test_cero_filas(tmp_path):
    (finding,) = REVIEWS["cero_filas"](context(tmp_path, {"a": [], "b": [], "c": []}))
    assert (finding.kind, finding.severity) == (Kind.EMPTY, Severity.BLOCK)
    assert REVIEWS["cero_filas"](context(tmp_path, THREE)) == []


def test_menos_de_50_filas(tmp_path):
    (finding,) = REVIEWS["menos_de_50_filas"](context(tmp_path, THREE))
    assert finding.count == 2 and finding.severity == Severity.WARN
    enough = {"a": [str(i) for i in range(50)]}
    assert REVIEWS["menos_de_50_filas"](context(tmp_path, enough)) == []


def test_menos_de_3_columnas(tmp_path):
    (finding,) = REVIEWS["menos_de_3_columnas"](context(tmp_path, {"a": ["1"], "b": ["2"]}))
    assert finding.count == 2
    assert REVIEWS["menos_de_3_columnas"](context(tmp_path, THREE)) == []


def test_columna_sin_nombre(tmp_path):
    extra = {"Column1": ["1", "2"], "Unnamed: 3": ["1", "2"], "columna_5": ["1", "2"]}
    extra |= {"Comuna": ["x", "y"], "Columnas": ["a", "b"]}
    found = REVIEWS["columna_sin_nombre"](context(tmp_path, THREE, extra=extra))
    assert [f.column for f in found] == ["Column1", "Unnamed: 3", "columna_5"]


def test_fila_de_totales(tmp_path):
    rows = {
        "zona": ["Norte", "TOTAL", "Sur", "Total general", "Subtotal", "Totalmente de acuerdo"],
        "valor": ["1", "2", "3", "4", "5", "6"],
    }
    (finding,) = REVIEWS["fila_de_totales"](context(tmp_path, rows))
    assert finding.rows == [3, 5, 6] and finding.count == 3


def test_anio_en_titulo(tmp_path):
    ctx = context(tmp_path, THREE, dataset={"title": "Contratación por urgencia manifiesta 2021"})
    (finding,) = REVIEWS["anio_en_titulo"](ctx)
    assert finding.kind == Kind.METADATA and "2021" in finding.message
    assert REVIEWS["anio_en_titulo"](context(tmp_path, THREE)) == []


def test_direccion_sin_coordenadas(tmp_path):
    public = {
        "privacy": {
            "public_by_law": [
                {"column": "direccion", "basis": "Dirección de un bien fiscal del Distrito."}
            ]
        }
    }
    columns = {"direccion": ["Calle 5 # 38-45", "Carrera 1 No. 10-20"], "barrio": ["x", "y"]}
    (finding,) = REVIEWS["direccion_sin_coordenadas"](context(tmp_path, columns, dataset=public))
    assert finding.column == "direccion"
    with_points = columns | {"latitud": ["3.4", "3.5"], "longitud": ["-76.5", "-76.6"]}
    located = public | {"coordinates": {"latitude": "latitud", "longitude": "longitud"}}
    ctx = context(
        tmp_path,
        with_points,
        kinds={"latitud": "number", "longitud": "number"},
        dataset=located,
    )
    assert REVIEWS["direccion_sin_coordenadas"](ctx) == []


def test_desactualizado(tmp_path):
    stale = {"metadata": {"data": {"fecha_emision": "2024-01-31"}}}
    # Measured on the catalog's date (a pre-check): the office's metadata, not the file.
    assert REVIEWS["desactualizado"](context(tmp_path, THREE, dataset=stale)) == []
    long_ago = dt.datetime(2024, 1, 31, tzinfo=dt.UTC)
    ctx = context(tmp_path, THREE, dataset=stale, last_updated=long_ago)
    (finding,) = REVIEWS["desactualizado"](ctx)
    assert finding.severity == Severity.WARN
    assert "última publicación" in finding.message and "permitidos: 31" in finding.message
    published = dt.datetime(2024, 6, 29, tzinfo=dt.UTC)
    ctx = context(tmp_path, THREE, dataset=stale, last_updated=published)
    assert REVIEWS["desactualizado"](ctx) == []


def test_a_dataset_can_change_a_code_severity(tmp_path):
    ctx = context(tmp_path, THREE, dataset={"quality": {"menos_de_50_filas": "info"}})
    (finding,) = REVIEWS["menos_de_50_filas"](ctx)
    assert finding.severity == Severity.INFO


def test_a_clean_dataset_has_no_review_findings(tmp_path):
    enough = {name: [f"{name}{i}" for i in range(60)] for name in ("a", "b", "c")}
    assert codes(context(tmp_path, enough)) == []


def test_valor_de_error_excel_names_each_column_and_blocks_by_default(tmp_path):
    columns = {"sector": ["45", "#N/D", "#¡VALOR!", "19"], "producto": ["1", "2", "3", "4"]}
    ctx = context(tmp_path, columns, extra={"nota": ["#REF!", "ok", "ok", "ok"]})
    found = REVIEWS["valor_de_error_excel"](ctx)
    assert [(f.column, f.header, f.count, f.rows) for f in found] == [
        ("sector", "sector", 2, [3, 4]),
        ("nota", "nota", 1, [2]),
    ]
    assert {f.severity for f in found} == {Severity.BLOCK}
    assert ctx.frame["sector"].isna().sum() == 2  # read as empty, not as the text «#N/D»


def test_valor_de_error_excel_can_be_lowered_by_the_catalog(tmp_path):
    ctx = context(
        tmp_path, {"sector": ["#N/D", "1"]}, dataset={"quality": {"valor_de_error_excel": "warn"}}
    )
    (finding,) = REVIEWS["valor_de_error_excel"](ctx)
    assert finding.severity == Severity.WARN


def test_a_lone_dash_is_not_a_formula(tmp_path):
    ctx = context(tmp_path, {"estado_via": ["-", " -   ", "BUENO", "—", "=SUMA(A1)", "-x"]})
    (finding,) = REVIEWS["inyeccion_formula"](ctx)
    assert finding.count == 2 and finding.rows == [6, 7]


def test_null_markers_of_the_catalog_are_empty_cells(tmp_path):
    ctx = context(
        tmp_path,
        {"valor": [".", "5", "N.A."], "nombre_sede": ["Norte", ".", "Sur"]},
        kinds={"valor": "integer"},
        dataset={"reading": {"null_markers": [".", "N.A."]}},
    )
    assert ctx.frame["valor"].isna().tolist() == [True, False, True]
    assert ctx.frame["nombre_sede"].isna().tolist() == [False, True, False]
    assert not [f for f in ctx.contract_findings if f.code == "no_es_entero"]
