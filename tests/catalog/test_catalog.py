import shutil

import pytest

from datos_cali.catalog import load_catalog
from datos_cali.catalog.models import Frequency, PortalMetadata, PortalName
from datos_cali.catalog_check import check_catalog


@pytest.fixture
def catalog_copy(tmp_path, project_root):
    shutil.copytree(project_root / "datasets", tmp_path / "datasets")
    shutil.copytree(project_root / "schemas", tmp_path / "schemas")
    return tmp_path


def problems_of(root, project_root):
    _, problems = check_catalog(root / "datasets", root / "schemas", project_root)
    return [str(p) for p in problems]


PRIORITIES_2021 = {
    "contratacion-parque-pacifico", "contratacion-urgencia-manifiesta", "vacunacion-covid19",
    "predios-propiedad-distrito", "areas-cesion", "areas-proteccion-forestal",
    "aprovechamiento-residuos-solidos", "resultados-saber-11", "riesgos-gestion-corrupcion",
    "indicadores-plan-desarrollo", "barreras-acceso-salud", "mesas-cultura-ciudadana-paz",
    "indice-mensual-actividad-economica", "intento-suicidio-casos",
}  # fmt: skip


def test_the_repository_catalog_is_valid_and_has_the_14_priorities(project_root):
    catalog = load_catalog(project_root / "datasets")
    assert problems_of(project_root, project_root) == []
    assert set(catalog.datasets) >= PRIORITIES_2021
    assert all(d.demo for d in catalog.datasets.values())


def test_the_sample_slugs_are_the_folders_in_shared_samples(project_root):
    samples = {p.name for p in (project_root / "demo").iterdir() if p.is_dir()}
    assert samples <= set(load_catalog(project_root / "datasets").datasets)


def test_an_unknown_key_is_refused_naming_file_and_key(catalog_copy, project_root):
    path = catalog_copy / "datasets" / "salud" / "vacunacion-covid19.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "frecuencia: diaria\n", encoding="utf-8")
    problems = problems_of(catalog_copy, project_root)
    assert any(
        "vacunacion-covid19.yaml" in p and "clave desconocida «frecuencia»" in p for p in problems
    )


def test_a_bad_frequency_lists_the_vocabulary(catalog_copy, project_root):
    path = catalog_copy / "datasets" / "salud" / "vacunacion-covid19.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("frequency: semanal", "frequency: a veces"),
        encoding="utf-8",
    )
    problems = problems_of(catalog_copy, project_root)
    assert any(
        "«frequency» tiene un valor no permitido" in p and "'mensual'" in p for p in problems
    )


def test_an_unknown_organismo_and_a_missing_schema_are_reported(catalog_copy, project_root):
    path = catalog_copy / "datasets" / "uaesp" / "aprovechamiento-residuos-solidos.yaml"
    text = path.read_text(encoding="utf-8").replace("organismo: uaesp", "organismo: aseo")
    path.write_text(text, encoding="utf-8")
    (catalog_copy / "schemas" / "resultados-saber-11.yaml").unlink()
    problems = problems_of(catalog_copy, project_root)
    assert any(
        "aprovechamiento-residuos-solidos.yaml" in p and "«aseo» no está en organismos.yaml" in p
        for p in problems
    )
    assert any("resultados-saber-11.yaml" in p and "no existe" in p for p in problems)


def test_columns_must_agree_between_catalog_and_schema(catalog_copy, project_root):
    path = catalog_copy / "schemas" / "indice-mensual-actividad-economica.yaml"
    text = path.read_text(encoding="utf-8").replace("  mes:\n", "  mes_nombre:\n")
    path.write_text(text, encoding="utf-8")
    problems = problems_of(catalog_copy, project_root)
    assert any("«mes_nombre» está en el esquema pero no tiene descripción" in p for p in problems)
    assert any("«mes» está en «columns» pero no en el esquema" in p for p in problems)


def test_an_unknown_quality_key_is_reported_with_the_possible_ones(catalog_copy, project_root):
    from datos_cali.quality.messages import UNKNOWN_QUALITY_KEY

    path = catalog_copy / "datasets" / "salud" / "vacunacion-covid19.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "quality:\n  exactitud_total: warn\n", encoding="utf-8"
    )
    problems = problems_of(catalog_copy, project_root)
    [found] = [p for p in problems if "exactitud_total" in p]
    assert "vacunacion-covid19.yaml" in found
    assert UNKNOWN_QUALITY_KEY.split("{key}")[0] in found and "completitud" in found


def test_malformed_yaml_names_the_line(catalog_copy, project_root):
    path = catalog_copy / "datasets" / "dagma" / "areas-proteccion-forestal.yaml"
    path.write_text("slug: [sin cerrar\n", encoding="utf-8")
    problems = problems_of(catalog_copy, project_root)
    assert any(
        "areas-proteccion-forestal.yaml" in p and "YAML mal formado (línea" in p for p in problems
    )


def test_models_expose_frequency_periods_and_portals(project_root):
    dataset = load_catalog(project_root / "datasets").datasets["vacunacion-covid19"]
    assert dataset.frequency is Frequency.SEMANAL and dataset.frequency.period.days == 7
    assert {t.portal for t in dataset.targets} == {PortalName.DATOS_GOV_CO, PortalName.DATOS_CALI}


def test_an_unknown_license_is_refused_listing_the_known_ones(catalog_copy, project_root):
    path = catalog_copy / "datasets" / "salud" / "vacunacion-covid19.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  category: Salud y Protección Social\n",
        "  category: Salud y Protección Social\n  license: Licencia libre de la Alcaldía\n",
    )
    path.write_text(text, encoding="utf-8")
    [found] = [p for p in problems_of(catalog_copy, project_root) if "licencia" in p]
    assert "vacunacion-covid19.yaml" in found and "«metadata.license»" in found
    assert "licencia desconocida «Licencia libre de la Alcaldía»" in found
    assert "«Creative Commons Attribution 4.0 International»" in found


def test_every_catalog_license_has_a_socrata_code_and_a_ckan_id():
    from datos_cali.catalog.licenses import LICENSES, license_for

    default = PortalMetadata.model_fields["license"].default
    assert license_for(default).socrata == "CC_40_BY_SA"
    for title, item in LICENSES.items():
        assert item.title == title
        assert item.socrata.isupper() and " " not in item.socrata
        assert item.ckan and item.ckan == item.ckan.lower()
