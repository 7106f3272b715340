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
