"""Consistencia: one case style, one date form, cross-column rules kept."""

from datos_cali.quality.criteria import consistencia
from datos_cali.reading.table import PROBE_ROWS
from tests.quality.builders import context


def test_mixed_case_styles_in_a_category(tmp_path):
    ctx = context(tmp_path, {"zona": ["Zona Norte", "Zona Norte", "Zona Norte", "ZONA SUR"]})
    score = consistencia.evaluate(ctx)
    assert score.value == 7.5  # 1 of 4 cells off the dominant style
    assert score.findings[0].code == "mayusculas_mezcladas"
    assert score.findings[0].rows == [5]


def test_acronyms_do_not_count_as_a_style(tmp_path):
    ctx = context(tmp_path, {"eps": ["Nueva EPS", "Nueva EPS", "SOS EPS", "SOS EPS"]})
    assert consistencia.evaluate(ctx).value == 10.0


def test_dates_written_two_ways(tmp_path):
    ctx = context(
        tmp_path,
        {"fecha": ["2021-01-05", "2021-02-05", "05/03/2021", "2021-04-05"]},
        kinds={"fecha": "date"},
    )
    score = consistencia.evaluate(ctx)
    assert score.evidence["fechas_forma_distinta"] == 1
    assert score.value == 7.5
    assert score.findings[0].code == "fechas_en_varias_formas"


def test_dates_written_two_ways_in_a_long_repetitive_column(tmp_path):
    # Long enough for the reader's distinct view (more than PROBE_ROWS rows, few values):
    # the shapes are counted once per distinct text, weighted by the rows holding it.
    days = [f"2021-01-{day:02d}" for day in range(1, 29)]
    dates = [days[i % len(days)] for i in range(PROBE_ROWS + 5_000)]
    dates[5] = "05/03/2021"
    ctx = context(tmp_path, {"fecha": dates}, kinds={"fecha": "date"})
    assert ctx.raw_view("fecha").repetitive
    score = consistencia.evaluate(ctx)
    assert score.evidence["fechas_revisadas"] == len(dates)
    assert score.evidence["fechas_forma_distinta"] == 1
    (finding,) = score.findings
    assert finding.code == "fechas_en_varias_formas" and finding.rows == [7]
    assert "de varias formas (2;" in finding.message


def test_cross_column_rules(tmp_path):
    ctx = context(
        tmp_path,
        {
            "inicio": ["2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01"],
            "fin": ["2021-01-31", "2021-01-15", "2021-03-31", "2021-04-30"],
        },
        kinds={"inicio": "date", "fin": "date"},
        schema={"checks": {"column_ge": {"column": "fin", "other": "inicio"}}},
    )
    score = consistencia.evaluate(ctx)
    assert score.evidence["reglas_entre_columnas"] == 1
    assert score.evidence["filas_que_fallan_reglas"] == 1
    assert score.value == 9.2  # 8 uniform dates + 4 rule checks = 12, 1 failing: 10·11/12


def test_a_one_megabyte_word_is_checked_in_linear_time(tmp_path):
    # The old pattern retried every suffix of a long word: a 50,000-letter cell took a minute.
    assert consistencia.MULTI_WORD.search("A" * 1024 * 1024) is None
    assert consistencia.MULTI_WORD.search("A" * 1024 * 1024 + " B")
    zona = ["Zona Norte"] * 20 + ["A" * 1024 * 1024, "ZONA SUR"]  # a repetitive column
    score = consistencia.evaluate(context(tmp_path, {"zona": zona}))
    assert score.findings[0].code == "mayusculas_mezcladas" and score.findings[0].rows == [23]
