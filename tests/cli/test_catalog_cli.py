import shutil


def test_catalog_check_passes_on_the_repository(cli, project_root):
    from datos_cali.catalog import load_catalog

    count = len(load_catalog(project_root / "datasets").datasets)
    result = cli("catalog", "check")
    assert result.exit_code == 0
    assert f"Catálogo correcto: {count} conjuntos" in result.stdout


def test_catalog_check_fails_naming_the_broken_file(cli, tmp_path, project_root, monkeypatch):
    shutil.copytree(project_root / "datasets", tmp_path / "datasets")
    broken = tmp_path / "datasets" / "educacion" / "resultados-saber-11.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "color: azul\n", encoding="utf-8")
    monkeypatch.setenv("DATOS_CALI_CATALOG", str(tmp_path / "datasets"))
    result = cli("catalog", "check")
    assert result.exit_code == 1
    assert "resultados-saber-11.yaml" in result.stdout
    assert "clave desconocida «color»" in result.stdout


def test_catalog_list_shows_every_dataset(cli):
    result = cli("catalog", "list")
    assert result.exit_code == 0
    assert "vacunacion-covid19" in result.stdout and "datos.cali.gov.co" in result.stdout


def test_catalog_check_refuses_an_unknown_license_in_spanish(
    cli, tmp_path, project_root, monkeypatch
):
    shutil.copytree(project_root / "datasets", tmp_path / "datasets")
    broken = tmp_path / "datasets" / "educacion" / "resultados-saber-11.yaml"
    text = broken.read_text(encoding="utf-8").replace("metadata:\n", "metadata:\n  license: MIT\n")
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DATOS_CALI_CATALOG", str(tmp_path / "datasets"))
    result = cli("catalog", "check")
    assert result.exit_code == 1
    assert "resultados-saber-11.yaml" in result.stdout
    assert "licencia desconocida «MIT»" in result.stdout
    assert "Traceback" not in result.stdout


def test_catalog_checks_lists_every_rule_with_its_parameters(cli):
    from datos_cali.contracts.rules import RULES

    result = cli("catalog", "checks")
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    for rule in RULES.values():
        assert rule.name in flat
        for parameter in rule.parameters:
            assert parameter.name in flat, (rule.name, parameter.name)
    assert "column_ge" in flat and "Reglas de tabla" in flat


def test_validate_with_a_broken_catalog_file_names_it(cli, tmp_path, project_root, monkeypatch):
    shutil.copytree(project_root / "datasets", tmp_path / "datasets")
    broken = tmp_path / "datasets" / "planeacion" / "indice-mensual-actividad-economica.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "title: : x\n", encoding="utf-8")
    monkeypatch.setenv("DATOS_CALI_CATALOG", str(tmp_path / "datasets"))
    demo = project_root / "demo/indice-mensual-actividad-economica/IMAE_Cali.csv"
    code, report = cli.json("validate", demo, "-d", "indice-mensual-actividad-economica")
    assert code == 2
    (error,) = report["errors"]
    assert error["code"] == "catalogo_con_errores"
    assert "indice-mensual-actividad-economica.yaml, línea" in error["message"]
    assert "No existe" not in error["message"]
    human = cli("validate", demo, "-d", "indice-mensual-actividad-economica")
    assert human.exit_code == 2 and "tiene errores" in human.stderr
