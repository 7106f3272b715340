"""What looks personal and is public, declared once in quality/datos_publicos.yaml: one test per
class of entry — each place class, official titles, companies, place headers, reference numbers,
State mailboxes, the office's own phones and addresses — and that the office can extend it."""

import shutil

import pytest
import yaml

from datos_cali.catalog.models import Dataset
from datos_cali.quality.personal_data import scan_personal_data
from datos_cali.quality.personal_data.dictionary import Dictionary
from datos_cali.quality.settings import personal_data_settings
from datos_cali.settings import paths
from tests.quality.builders import base_dataset, raw_table

PUBLIC = yaml.safe_load((paths().quality / "datos_publicos.yaml").read_text("utf-8"))
NAME = "Pedro Antonio Molina"


def found(value: str, header: str = "observaciones", folder=None) -> set[str]:
    dataset = Dataset.model_validate(base_dataset(["texto"]))
    raw = raw_table({header: [value, "Sin novedad"]})
    scan = scan_personal_data(raw, dataset, settings_folder=folder)
    return set(scan.columns[0].detections)


def test_the_name_alone_is_a_person():
    assert found(f"Reunión con {NAME}") == {"nombre"}


@pytest.mark.parametrize("kind", sorted(PUBLIC["name_contexts"]))
def test_each_class_of_place_names_a_place(kind):
    for entry in PUBLIC["name_contexts"][kind][:3]:
        assert found(f"{entry.capitalize()} {NAME}") == set(), (kind, entry)
        assert found(f"{entry.upper()} {NAME.upper()} sede 2") == set(), (kind, entry)


@pytest.mark.parametrize(
    "text",
    [
        "IEO Pedro Antonio Molina",
        "I.E.O. Pedro Antonio Molina",
        "patrullera ARC Jaime Eduardo Cárdenas Gómez",
        "pista de patinaje Alfonso López",
        "Hospital Carlos Holmes Trujillo",
        "Festival en honor a Jaime Garzón",
        "barrios Alfonso López y Manuela Beltrán",
    ],
)
def test_the_issues_places_named_after_people(text):
    assert found(text) == set()


def test_a_place_word_does_not_hide_a_person_after_a_verb_or_con():
    assert found(f"El colegio contrató a {NAME}") == {"nombre"}
    assert found(f"Reunión en la sede con {NAME}") == {"nombre"}


@pytest.mark.parametrize("title", ["el alcalde", "la secretaria de Salud Pública", "Concejal"])
def test_officials_by_title_are_public(title):
    assert found(f"Informe de {title} Jorge Iván Ospina") == set()


def test_company_words_after_a_name():
    assert found("Gómez Pérez Ltda.") == set() and found("Gómez Pérez S.A.S.") == set()


@pytest.mark.parametrize(
    ("header", "value"), [("Barrio", "Alfonso López"), ("Municipio", "JUAN ACOSTA")]
)
def test_place_headers_name_places(header, value):
    assert found(value, header=header) == set()
    assert found(f"casa de la señora {value.split()[-1]}", header=header) == {"nombre"}


@pytest.mark.parametrize(
    "text", ["Radicado 3001234567", "Decreto 4112.010.20.0123 de 2024", "Resolución No. 31234567"]
)
def test_reference_numbers_are_not_people(text):
    assert found(text) == set()
    assert found("Llamar al 3001234567") == {"celular"}


def test_state_and_generic_mailboxes_are_public():
    assert found("pazycultura@cali.gov.co") == set()
    assert found("contacto@fundacion.org") == set()
    assert found("pazycultura@gmail.com") == {"correo"}


def test_the_offices_own_phones_and_addresses_are_public():
    assert found("(602) 885 0000") == set() and found("+57 602 8850000") == set()
    assert found("(602) 885 0001") == {"telefono_fijo"}
    assert found("Calle 9 # 4-55 Edificio CAM") == set() and found("Cl. 9 No. 4-55") == set()
    assert found("Calle 9 # 4-56") == {"direccion"}


@pytest.mark.parametrize(
    "header",
    ["Nombre de fondo", "Nombre del Proyecto", "Nombre de Dimensión", "Nombre Centro Gestor"],
)
def test_header_words_that_name_things(header):
    assert Dictionary(personal_data_settings()).match(header) is None


def test_the_office_extends_the_dictionary(tmp_path):
    folder = tmp_path / "quality"
    shutil.copytree(paths().quality, folder)
    text = "Teatro al aire libre Los Cristales Pedro Antonio Molina"
    assert found(text, folder=folder) == {"nombre"}  # «aire libre» is no place word yet
    public = yaml.safe_load((folder / "datos_publicos.yaml").read_text("utf-8"))
    public["name_contexts"]["cultura_y_culto"].append("los cristales")
    (folder / "datos_publicos.yaml").write_text(yaml.safe_dump(public, allow_unicode=True), "utf-8")
    assert found(text, folder=folder) == set()
