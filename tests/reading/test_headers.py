from datos_cali.reading.headers import field_name, normalize


def test_headers_match_regardless_of_case_accents_and_spacing():
    assert (
        normalize("  Número de   Contrato ")
        == normalize("NUMERO DE CONTRATO")
        == normalize("numero_de_contrato")
    )


def test_field_names_are_ascii_snake_case():
    assert field_name("Duración del Contrato (días)") == "duracion_del_contrato_dias"
    assert field_name("Índice (2015=100)") == "indice_2015_100"
    assert field_name("2021 valor") == "c_2021_valor"
