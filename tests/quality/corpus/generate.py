"""Regenerate the labelled corpus of the personal-data gate (seed 1581): one YAML file per family.

Each entry is one column as an organismo would send it — a header, the contract's type for it
(`kind`; absent when the column is outside the contract), its cells — and its `label`: the kinds
of personal data it holds (cedula, telefono, correo, direccion, nombre, salud), or none. A few
entries declare the column as public places (`public_place`: the catalog's reason).

Negatives are what the gate used to block or could: money and codes that look like phones,
companies' NITs, the Alcaldía's own phones, addresses and mailboxes, institutions and places
named after people, officials by title, decrees and filings, and columns copied from the city's
budget export (tests/real/exports). Positives are the ways people really write personal data in free
text, including names outside the scanner's lists (its recall on those is reported, not hidden).
Hand-written cases live in `a_mano.yaml` (not regenerated). Nobody here is a real person.

    .venv/bin/python -m tests.quality.corpus.generate
"""

from __future__ import annotations

import random
from pathlib import Path

import phonenumbers
import yaml
from stdnum.co import nit

HERE = Path(__file__).resolve().parent
NAMES_FILE = HERE.parent.parent.parent / "quality" / "nombres_comunes.yaml"

NEUTRAL = [
    "Sin novedad",
    "Visita de seguimiento realizada",
    "Se entregó el kit escolar completo",
    "Pendiente por revisar el acta de la mesa",
    "Cumplido",
    "Reunión con la JAC del barrio para el plan de trabajo",
    "Se remite a la Secretaría de Salud Pública",
    "Documento soporte en el expediente del proceso",
    "No asistió a la jornada; se reprograma",
    "Se realizó la capacitación en la sede comunal",
    "Avance del 60 % según el informe mensual",
    "Requiere visita técnica del DAGMA",
    "Se instalaron 12 luminarias en el sector",
    "Acta firmada por los asistentes",
    "Caso cerrado por cumplimiento",
]
# Names outside the scanner's lists: real Colombian names the curated lists leave out.
OTHER_GIVEN = ["Mery", "Yurani", "Jhon Jairo", "Leidy Johana", "Wilmer", "Yesica", "Ferney"]
OTHER_SURNAMES = ["Carabalí", "Mosquera", "Viáfara", "Ararat", "Lucumí", "Cundumí", "Possú"]
STREETS = ["Calle", "Cra", "Carrera", "KR", "Cl", "Cl.", "AK", "Avenida", "Diagonal", "Transversal"]
HEALTH = ["con VIH", "diabética", "en tratamiento de cáncer", "con discapacidad", "embarazada"]
PLACE_TEMPLATES = [
    "IEO {name} sede principal",
    "Institución Educativa {name}",
    "I.E. {name} - Sede 2",
    "Colegio {name}",
    "Dotar la biblioteca de la IEO {name}",
    "Adecuar la pista de patinaje {name}",
    "Mantenimiento del escenario deportivo {name}",
    "Parque {name} del barrio El Retiro",
    "Hospital {name}",
    "Puesto de salud {name}",
    "Coliseo {name}",
    "Estadio {name}",
    "Fundación {name}",
    "Corporación {name} para el desarrollo",
    "Travesía de la patrullera ARC {name}",
    "Festival en honor a {name}",
    "Biblioteca pública {name}",
    "Unidad deportiva {name}",
    "Barrio {name}",
    "Urbanización {name} etapa 2",
]
OFFICIAL_TEMPLATES = [
    "Reunión con el alcalde {name}",
    "Firma: Secretaria de Salud Pública {name}",
    "Informe presentado por el secretario de Cultura {name}",
    "Visita del gobernador {name} a la obra",
    "Concejal {name} solicitó el informe",
    "Director del Departamento Administrativo de Hacienda {name}",
]


class Corpus:
    def __init__(self, seed: int = 1581):
        self.rng = random.Random(seed)
        lists = yaml.safe_load(NAMES_FILE.read_text("utf-8"))
        self.given, self.surnames = lists["given_names"], lists["surnames"]

    # --- pieces ---------------------------------------------------------------------------

    def pick(self, items):
        return self.rng.choice(items)

    def name(self, *, outside: bool = False) -> str:
        given = self.pick(OTHER_GIVEN) if outside else self.pick(self.given)
        if self.rng.random() < 0.4 and not outside:
            given += " " + self.pick(self.given)
        surname = self.pick(OTHER_SURNAMES) if outside else self.pick(self.surnames)
        return f"{given} {surname} {self.pick(self.surnames)}"

    def written_name(self) -> str:
        """A person's name as people write it: any case, either order, with a title."""
        form = self.rng.randrange(8)
        name = self.name()
        given, *_, surname = name.split()
        return [
            name,
            name.upper(),
            name.lower(),
            f"{surname.upper()} {self.pick(self.surnames).upper()} {given.upper()}",
            f"{surname} {self.pick(self.surnames)}, {given}",
            f"la señora {surname}",
            f"don {given}",
            f"visita a la casa de {self.pick(OTHER_GIVEN)} {surname}",
        ][form]

    def cedula_number(self) -> str:
        return str(
            self.rng.choice(
                [
                    self.rng.randint(10_000_000, 99_999_999),
                    self.rng.randint(1_000_000_000, 1_144_999_999),
                ]
            )
        )

    def cedula(self) -> str:
        n = self.cedula_number()
        dotted = f"{int(n):,}".replace(",", ".")
        spaced = f"{n[:-6]} {n[-6:-3]} {n[-3:]}"
        apostrophe = f"{n[:-6]}'{n[-6:-3]}.{n[-3:]}"
        commas = f"{int(n):,}"
        return self.pick(
            [
                f"CC-{n}",
                f"ced. {n}",
                f"C.C. {spaced}",
                f"cédula: {apostrophe}",
                f"c.c n. {n}",
                f"identificado con {n}",
                f"documento {dotted}",
                f"{dotted} C.C.",
                f"CC No. {n} de Cali",
                f"Cédula de ciudadanía número {commas}",
                f"cc {spaced}",
                f"C.C: {dotted}",
            ]
        )

    def phone_digits(self, mobile: bool) -> str:
        while True:
            if mobile:
                digits = f"3{self.rng.choice([0, 1, 2, 5])}{self.rng.randint(0, 9)}{self.rng.randint(0, 9_999_999):07d}"
            else:
                digits = (
                    f"60{self.rng.choice([1, 2, 4, 5])}{self.rng.randint(2_000_000, 8_999_999)}"
                )
            if digits == "6028850000":
                continue
            number = phonenumbers.parse(digits, "CO")
            if phonenumbers.is_valid_number(number):
                return digits

    def phone(self, mobile: bool = True) -> str:
        d = self.phone_digits(mobile)
        return self.pick(
            [
                d,
                f"{d[:3]} {d[3:6]} {d[6:8]} {d[8:]}",
                f"{d[:3]}-{d[3:6]}-{d[6:]}",
                f"+57 {d[:3]} {d[3:6]} {d[6:]}",
                f"({d[:3]}) {d[3:6]} {d[6:]}",
                f"{d[:3]}.{d[3:6]}.{d[6:]}",
                f"+57{d}",
                f"Cel: {d}",
            ]
        )

    def email(self) -> str:
        given = self.pick(["josé", "maría", "andrés", "sofía", "iván", "yurani", "jhon"])
        surname = self.pick(["pérez", "gómez", "núñez", "ospina", "carabalí", "muñoz"])
        local = self.pick(
            [
                f"{given}.{surname}",
                f"{given}_{surname}{self.rng.randint(1, 99)}",
                f"{given[0]}{surname}",
            ]
        )
        domain = self.pick(["gmail.com", "hotmail.com", "yahoo.es", "outlook.com", "une.net.co"])
        name, tld = domain.split(".", 1)
        return self.pick(
            [
                f"{local}@{domain}",
                f"{local} [arroba] {domain}",
                f"{local}(at){domain}",
                f"{local} arroba {name} punto {tld}",
                f"{local}@{domain}".upper(),
            ]
        )

    def address(self) -> str:
        street = self.pick(STREETS)
        a, b, c = self.rng.randint(1, 120), self.rng.randint(1, 99), self.rng.randint(1, 99)
        letter = self.pick(["", "A", "B", "C", "N", "T", " Bis", " Norte", " Oeste"])
        return self.pick(
            [
                f"{street} {a} # {b}{letter}-{c}",
                f"{street} {a}{letter} No. {b}-{c}",
                f"{street} {a}{letter.strip()} {b} {c}",
                f"{street} {a} No {b} {c}",
                f"{street} {a} # {b}–{c}",
                f"Mz {self.rng.randint(1, 40)} Casa {self.rng.randint(1, 60)}",
                f"{street} {a} N° {b}{letter}-{c} apto {self.rng.randint(101, 909)}",
            ]
        )

    def company_nit(self) -> str:
        base = str(self.rng.randint(800_000_000, 901_999_999))
        digit = nit.calc_check_digit(base)
        dotted = f"{int(base):,}".replace(",", ".")
        return self.pick([f"{base}-{digit}", f"NIT {dotted}-{digit}", f"Nit: {base} - {digit}"])

    def amount(self) -> str:
        value = self.pick([3_000_000_000, 6_062_670_716, 3_151_000_000, 602_555_000, 3_000_123_456])
        value += self.rng.randint(0, 999) * 1000 if self.rng.random() < 0.5 else 0
        dotted = f"{value:,}".replace(",", ".")
        return self.pick(
            [str(value), dotted, f"$ {dotted}", f" {dotted} ", " -   ", f"{dotted},00"]
        )

    def free_text(self, planted: str, n: int = 12) -> list[str]:
        cells = [self.pick(NEUTRAL) for _ in range(n)]
        where = self.rng.randrange(n)
        cells[where] = self.pick(["", "Observación: ", "Contacto ", "Se llamó a "]) + planted
        return cells

    # --- families -------------------------------------------------------------------------

    def positives(self) -> dict[str, list[dict]]:
        families: dict[str, list[dict]] = {}
        families["cedulas_en_texto"] = [
            {
                "header": h,
                "kind": "text",
                "label": ["cedula"],
                "values": self.free_text(self.cedula()),
            }
            for h in self.headers(
                [
                    "Observaciones",
                    "Detalle",
                    "Notas",
                    "Descripción del caso",
                    "Comentarios",
                    "Seguimiento",
                ],
                36,
            )
        ]
        families["telefonos"] = [
            {
                "header": h,
                "kind": "text",
                "label": ["telefono"],
                "values": self.free_text(self.phone(mobile=i % 4 != 0)),
            }
            for i, h in enumerate(
                self.headers(["Observaciones", "Notas", "Gestión", "Bitácora"], 26)
            )
        ] + [
            {
                "header": "Teléfono",
                "kind": "integer",
                "label": ["telefono"],
                "values": [self.phone_digits(True) for _ in range(8)],
            },
            {
                "header": "Celular",
                "kind": "number",
                "label": ["telefono"],
                "values": [self.phone_digits(True) for _ in range(8)],
            },
            {
                "header": "contacto_beneficiario",
                "label": ["telefono"],
                "values": [self.phone() for _ in range(8)],
            },
            {
                "header": "dato_extra",
                "label": ["telefono"],
                "values": [self.phone_digits(True) for _ in range(8)],
            },
        ]
        families["correos"] = [
            {
                "header": h,
                "kind": "text",
                "label": ["correo"],
                "values": self.free_text(f"escribir a {self.email()}"),
            }
            for h in self.headers(["Observaciones", "Contacto", "Notas", "Respuesta"], 24)
        ]
        families["direcciones"] = [
            {
                "header": h,
                "kind": "text",
                "label": ["direccion"],
                "values": self.free_text(f"vive en la {self.address()}"),
            }
            for h in self.headers(
                ["Observaciones", "Notas", "Ubicación del caso", "Detalle de la visita"], 26
            )
        ] + [
            {
                "header": "direccion_residencia",
                "label": ["direccion"],
                "values": [self.address() for _ in range(6)],
            }
            for _ in range(4)
        ]
        families["nombres"] = [
            {
                "header": h,
                "kind": "text",
                "label": ["nombre"],
                "values": self.free_text(self.written_name()),
            }
            for h in self.headers(
                [
                    "Observaciones",
                    "Asistentes",
                    "Notas",
                    "Organizaciones participantes",
                    "Responsable de la visita",
                ],
                30,
            )
        ] + [
            {
                "header": "Nombre del paciente",
                "kind": "text",
                "label": ["nombre"],
                "values": [self.name().upper() for _ in range(6)],
            },
            {
                "header": "beneficiario",
                "kind": "text",
                "label": ["nombre"],
                "values": [self.name().lower() for _ in range(6)],
            },
            {
                "header": "Observaciones",
                "kind": "text",
                "label": ["nombre"],
                "values": self.free_text(f"Se reunió con {self.name(outside=True)}"),
            },
            {
                "header": "Notas",
                "kind": "text",
                "label": ["nombre"],
                "values": self.free_text(
                    f"Atendida la señora {self.pick(OTHER_GIVEN)} {self.pick(OTHER_SURNAMES)}"
                ),
            },
        ]
        families["salud_con_nombre"] = [
            {
                "header": h,
                "kind": "text",
                "label": ["nombre", "salud"],
                "values": self.free_text(f"{self.name()}, paciente {self.pick(HEALTH)}"),
            }
            for h in self.headers(["Observaciones", "Seguimiento", "Notas"], 12)
        ]
        families["columnas_de_documentos"] = [
            {
                "header": "dato_extra",
                "label": ["cedula"],
                "values": [f"{int(self.cedula_number()):,}".replace(",", ".") for _ in range(8)],
            },
            {
                "header": "Número de identificación",
                "label": ["cedula"],
                "values": [self.cedula_number() for _ in range(8)],
            },
            {
                "header": "cc_paciente",
                "kind": "text",
                "label": ["cedula"],
                "values": [self.cedula_number() for _ in range(8)],
            },
            {
                "header": "NumeroDocumento",
                "kind": "integer",
                "label": ["cedula"],
                "values": [self.cedula_number() for _ in range(8)],
            },
            {
                "header": "Observaciones",
                "kind": "text",
                "label": ["cedula", "telefono"],
                "values": self.free_text(f"{self.cedula()}, celular {self.phone()}"),
            },
            {
                "header": "Notas",
                "kind": "text",
                "label": ["direccion", "telefono"],
                "values": self.free_text(f"{self.address()} tel {self.phone()}"),
            },
            {
                "header": "Detalle",
                "kind": "text",
                "label": ["correo", "nombre"],
                "values": self.free_text(f"{self.name()} <{self.email()}>"),
            },
        ]
        return families

    def negatives(self) -> dict[str, list[dict]]:
        families: dict[str, list[dict]] = {}
        money_headers = [
            "VALOR APROPIADO",
            "PPTO INICIAL",
            "PAGOS",
            "Valor del contrato",
            "TOTAL ACUMULADO CDP",
            "Presupuesto",
            "SALDO",
            "Valor girado",
        ]
        families["dinero"] = [
            {"header": h, "kind": kind, "label": [], "values": [self.amount() for _ in range(10)]}
            for h, kind in zip(
                self.headers(money_headers, 32),
                ["number", "integer", None, "text"] * 8,
                strict=True,
            )
        ]
        for entry in families["dinero"]:
            if entry["kind"] is None:
                del entry["kind"]
            if entry.get("kind") == "integer":
                entry["values"] = [
                    str(
                        self.pick([3_000_000_000, 6_062_670_716, 3_151_234_567, 6_025_550_000])
                        + self.rng.randint(0, 99) * 1000
                    )
                    for _ in range(10)
                ]
        families["codigos"] = [
            {"header": h, "kind": self.pick(["text", "integer"]), "label": [], "values": values}
            for h, values in [
                ("BPIN", [f"2020760010{self.rng.randint(100, 999)}" for _ in range(8)]),
                ("Area Funcional", [f"5204001000{self.rng.randint(1, 9)}" for _ in range(8)]),
                ("PRODUCTO", [f"45990{self.rng.randint(10, 99)}" for _ in range(8)]),
                ("Código DANE", [f"76001{self.rng.randint(100, 999)}" for _ in range(8)]),
                (
                    "Consecutivo",
                    [f"30{self.rng.randint(10_000_000, 99_999_999)}" for _ in range(8)],
                ),
                (
                    "Código predial",
                    [f"7600101{self.rng.randint(10**12, 10**13 - 1)}" for _ in range(8)],
                ),
            ]
            for _ in range(3)
        ]
        for entry in families["codigos"]:
            if entry["kind"] == "integer" and any(len(v) > 18 for v in entry["values"]):
                entry["kind"] = "text"
        families["nit_de_empresas"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [self.company_nit() for _ in range(6)],
            }
            for h in self.headers(
                ["NIT del contratista", "Proveedor", "Nit", "Identificación de la empresa"], 16
            )
        ]
        office_phone = [
            "(602) 885 0000",
            "602 885 0000",
            "6028850000",
            "+57 602 885 0000",
            "PBX (602) 885 0000 ext. 123",
            "Línea 195",
        ]
        families["telefonos_publicos"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [self.pick(office_phone) for _ in range(5)],
            }
            for h in self.headers(
                ["Teléfono de la dependencia", "Línea de atención", "Contacto institucional"], 9
            )
        ]
        public_mail = [
            "pazycultura@cali.gov.co",
            "contacto@fundacionpacifico.org",
            "atencion@empresa.com.co",
            "notificacionesjudiciales@cali.gov.co",
            "maria.gomez@cali.gov.co",
            "datosabiertos@cali.gov.co",
            "info@ips-salud.com",
        ]
        families["correos_publicos"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [self.pick(public_mail) for _ in range(5)],
            }
            for h in self.headers(
                ["Correo de la dependencia", "Correo institucional", "Contacto"], 12
            )
        ]
        families["lugares_con_nombres_de_personas"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [self.pick(PLACE_TEMPLATES).format(name=self.name()) for _ in range(8)],
            }
            for h in self.headers(
                [
                    "Nombre de la actividad",
                    "Nombre del Proyecto",
                    "Escenario",
                    "Descripción",
                    "Lugar del evento",
                    "Objeto",
                ],
                42,
            )
        ]
        families["funcionarios_por_cargo"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [
                    self.pick(OFFICIAL_TEMPLATES).format(name=self.name()) for _ in range(5)
                ],
            }
            for h in self.headers(["Observaciones", "Firma", "Detalle"], 10)
        ]
        references = [
            "Decreto 4112.010.20.0123 de 2024", "Radicado 202441730100012345", "Radicado No. 3001234567",
            "Contrato No. 4145.010.26.1.0123-2024", "Orfeo 202441730100054321", "Resolución 3112345678 de 2023",
            "Acuerdo 0229 de 2008", "Expediente 6025551234", "Proceso SECOP 4148.010.32.1.1011-2024",
        ]  # fmt: skip
        families["referencias"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [self.pick(references) for _ in range(6)],
            }
            for h in self.headers(
                ["Acto administrativo", "Soporte", "Observaciones", "Referencia"], 16
            )
        ]
        barrios = [
            "Alfonso López",
            "Manuela Beltrán",
            "Jorge Isaacs",
            "Antonio Nariño",
            "José Manuel Marroquín",
            "Carlos Holguín",
            "Mariano Ramos",
            "Marco Fidel Suárez",
            "Julio Rincón",
        ]
        families["columnas_de_lugares"] = [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": [self.pick(barrios) for _ in range(8)],
            }
            for h in self.headers(["Barrio", "Sede", "Escenario deportivo", "Institución"], 10)
        ] + [
            {
                "header": "Municipio",
                "kind": "text",
                "label": [],
                "values": ["JUAN ACOSTA", "CALI", "BOGOTA", "JUAN ACOSTA"],
            }
        ]
        buildings = [
            "Calle 5 # 38-45",
            "Carrera 24C No. 12-33",
            "Avenida 6N # 23-45",
            "Cl 44 # 7T-10",
            "KR 24C 12 33",
        ]
        families["direcciones_de_lugares_publicos"] = [
            {
                "header": "Dirección de la sede",
                "kind": "text",
                "label": [],
                "values": [self.pick(buildings) for _ in range(6)],
                "public_place": "Sedes de las instituciones educativas oficiales (información pública, Ley 1712 de 2014).",
            }
            for _ in range(8)
        ] + [
            {
                "header": h,
                "kind": "text",
                "label": [],
                "values": self.free_text(
                    self.pick(
                        [
                            "Calle 9 # 4-55 Edificio CAM",
                            "Cl. 9 No. 4-55",
                            "Avenida 2 Norte # 10-70, CAM",
                            "Av. 2N # 10-70 piso 5",
                        ]
                    )
                ),
            }
            for h in self.headers(["Observaciones", "Lugar de atención"], 6)
        ]
        return families

    def headers(self, names: list[str], count: int) -> list[str]:
        return [names[i % len(names)] for i in range(count)]


def generate(folder: Path = HERE) -> dict[str, list[dict]]:
    corpus = Corpus()
    families = {**corpus.positives(), **corpus.negatives()}
    for name, entries in families.items():
        text = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
        (folder / f"{name}.yaml").write_text(
            f"# Generated by generate.py (seed 1581). Do not edit.\n{text}", "utf-8"
        )
    return families


if __name__ == "__main__":
    generate()
