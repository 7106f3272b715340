import textwrap

import pytest


@pytest.fixture
def schema_dir(tmp_path):
    """A schemas folder with one small contract the tests can reason about."""
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "contratos.yaml").write_text(
        textwrap.dedent(
            """
            schema_type: dataframe
            columns:
              numero:
                title: Número de Contrato
                dtype: string[pyarrow]
                unique: true
              comuna:
                title: Comuna
                dtype: string[pyarrow]
                comuna_cali: {rural: false}
              valor:
                title: Valor del Contrato
                dtype: double[pyarrow]
                greater_than_or_equal_to: 0
              fecha:
                title: Fecha de Suscripción
                dtype: date32[day][pyarrow]
                nullable: true
              dias:
                title: Plazo (días)
                dtype: int64[pyarrow]
                in_range: {min_value: 1, max_value: 365}
              cedula:
                title: Cédula
                dtype: string[pyarrow]
                nullable: true
                required: false
                str_matches: '^[0-9]+$'
            """
        ),
        encoding="utf-8",
    )
    return folder
