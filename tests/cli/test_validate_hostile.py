"""`datos-cali validate` on hostile files (issue 18, item 3): each answers with a normal result or
a Spanish finding instead of hanging or running out of memory. The files are written here
(`tests/fixtures/hostile.py`); their worst-case times are measured in the issue's note, not here."""

from __future__ import annotations

from tests.fixtures.hostile import long_cell_csv, sparse_xlsx, wide_csv

VACUNACION = "demo/vacunacion-covid19/vacunacion_covid19_cali.csv"


def test_a_one_megabyte_cell_without_spaces_gets_a_normal_result(cli, project_root, tmp_path):
    path = long_cell_csv(project_root / VACUNACION, tmp_path / "vacunas.csv", column=8)
    code, report = cli.json("validate", path, "--dataset", "vacunacion-covid19")
    assert code == 0 and report["publishable"] is True  # read, typed, scored as usual
    assert report["rows"] == 30_000 and len(report["columns"]) == 9


def test_a_workbook_declaring_the_whole_sheet_with_a_far_cell_is_refused(
    cli, project_root, tmp_path
):
    path = sparse_xlsx(tmp_path / "IMAE.xlsx")  # A1:XFD1048576, one cell at XFD1048576
    assert path.stat().st_size < 2048
    code, report = cli.json("validate", path, "--dataset", "indice-mensual-actividad-economica")
    assert code == 1
    [error] = report["errors"]
    assert error["code"] == "demasiadas_columnas" and "demasiadas columnas" in error["message"]


def test_a_workbook_declaring_the_whole_sheet_with_a_far_row_is_read_cheaply(cli, tmp_path):
    path = sparse_xlsx(tmp_path / "IMAE.xlsx", far="A1048576")
    code, report = cli.json("validate", path, "--dataset", "indice-mensual-actividad-economica")
    assert report["rows"] == 2  # the data row and the far one; a million empty rows skipped
    assert report["columns"] == ["Año", "Mes"]
    assert code == 1 and any(e["code"] == "columna_faltante" for e in report["errors"])


def test_a_csv_with_100000_columns_is_refused_in_spanish(cli, tmp_path):
    path = wide_csv(tmp_path / "ancho.csv")
    code, report = cli.json("validate", path, "--dataset", "vacunacion-covid19")
    assert code == 1
    [error] = report["errors"]
    assert error["code"] == "demasiadas_columnas" and "más de 1.600" in error["message"]


def test_past_the_time_budget_the_file_gets_a_finding(cli, project_root, monkeypatch):
    monkeypatch.setenv("DATOS_CALI_FILE_BUDGET_SECONDS", "0.000001")
    code, report = cli.json("validate", project_root / VACUNACION, "-d", "vacunacion-covid19")
    assert code == 1
    [error] = report["errors"]
    assert (
        error["code"] == "tiempo_agotado"
        and "La revisión del archivo se detuvo" in error["message"]
    )


CONTRATOS = "demo/contratacion-urgencia-manifiesta/contratos_urgencia_manifiesta_2021.csv"


def _with_free_text(project_root, tmp_path, text: str):
    """The contracts demo with `text` as the «Objeto del Contrato» of its fourth contract."""
    lines = (project_root / CONTRATOS).read_bytes().decode("cp1252").splitlines()
    cells = lines[4].split(";")
    cells[2] = text
    lines[4] = ";".join(cells)
    path = tmp_path / "contratos.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_a_megabyte_of_numbers_after_decree_words_gets_a_normal_result(cli, project_root, tmp_path):
    # Each number's look-back for «decreto» read the whole cell before it: quadratic, it hung.
    path = _with_free_text(project_root, tmp_path, "decreto 3112345678 " * 55_000)
    code, report = cli.json("validate", path, "-d", "contratacion-urgencia-manifiesta")
    assert code == 0 and report["publishable"] is True


def test_a_public_email_followed_by_a_megabyte_of_digits_gets_a_normal_result(
    cli, project_root, tmp_path
):
    # The office's own mailbox is not personal data, so the scan goes on past it — and the old
    # e-mail pattern retried the digit run from each of its positions (it hung).
    text = "escriba a contacto@cali.gov.co " + "1" * 1024**2
    path = _with_free_text(project_root, tmp_path, text)
    code, report = cli.json("validate", path, "-d", "contratacion-urgencia-manifiesta")
    assert code == 0 and report["publishable"] is True
