"""Regenerate the synthetic demo submissions that have no sample in ../shared (seed 2021; the
budget execution, added later, has its own seed 2024 so the others stay byte for byte).

Each uses a different real-world export format so `make run` exercises the reader:
cp1252 + ';' + money with decimals, an XLSX with a title row and date cells, plain UTF-8,
decimal comma with percentages, UTF-16 tab-delimited («Texto Unicode» from Excel), UTF-8
with BOM with Spanish month names and quoted free text, and the treasury's Excel export of
the budget execution (repeated headers, headers padded with spaces, «1.234.567» money,
Excel's accounting zero « -   », «#N/D» and «#¡VALOR!», cells with line breaks, billions of
pesos, activities named after the places named after people). Nobody in them is a real person.

    .venv/bin/python demo/generate.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
RNG = random.Random(2021)
COMUNAS = [f"Comuna {n}" for n in range(1, 23)]
MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def _write_csv(
    path: Path,
    header: list[str],
    rows: list[list],
    *,
    encoding: str,
    delimiter: str,
    bom: bool = False,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = "\ufeff".encode(encoding) + data if encoding != "utf-16-le" else b"\xff\xfe" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _money(value: float) -> str:
    whole, cents = f"{value:,.2f}".split(".")
    return f"$ {whole.replace(',', '.')},{cents}"


def _nit() -> str:
    from stdnum.co import nit

    base = str(RNG.randint(800_000_000, 901_999_999))
    return f"{base}-{nit.calc_check_digit(base)}"


def parque_pacifico() -> None:
    header = [
        "Número de Contrato",
        "Objeto del Contrato",
        "Nombre del Contratista",
        "Tipo de Documento",
        "Número de Documento",
        "Valor Inicial",
        "Valor Adiciones",
        "Fecha de Inicio",
        "Fecha de Terminación",
        "Porcentaje de Avance",
        "Estado",
        "Enlace SECOP",
    ]
    objects = [
        "Diseño de la fase II del Parque del Pacífico",
        "Interventoría técnica de obra",
        "Construcción de senderos y plazoletas",
        "Suministro de mobiliario urbano",
        "Siembra de especies nativas y paisajismo",
        "Obras eléctricas e iluminación",
    ]
    firms = [
        "Consorcio Parque Pacífico 2021",
        "Unión Temporal Ciudad Verde",
        "Ingeniería y Paisaje S.A.S.",
        "Constructora del Valle S.A.",
        "Luminarias de Occidente Ltda.",
    ]
    rows = []
    for n in range(1, 36):
        start = dt.date(2021, 1, 15) + dt.timedelta(days=RNG.randint(0, 200))
        end = start + dt.timedelta(days=RNG.choice([90, 120, 180, 240, 365]))
        initial = RNG.randint(80, 9000) * 1_000_000 + RNG.choice([0, 0.5, 0.25])
        rows.append(
            [
                f"4151.010.26.1.{n:04d}-2021",
                RNG.choice(objects),
                RNG.choice(firms),
                "NIT",
                _nit(),
                _money(initial),
                _money(RNG.choice([0, 0, initial * 0.1])),
                start.strftime("%d/%m/%Y"),
                end.strftime("%d/%m/%Y"),
                f"{RNG.uniform(0, 100):.1f}".replace(".", ",") + " %",
                RNG.choice(["En ejecución", "Terminado", "Liquidado"]),
                f"https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID=CO1.NTC.{RNG.randint(1_000_000, 2_999_999)}",
            ]
        )
    _write_csv(
        HERE / "contratacion-parque-pacifico" / "contratos_parque_pacifico.csv",
        header,
        rows,
        encoding="cp1252",
        delimiter=";",
    )


def areas_cesion() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Áreas de cesión"
    sheet.append(["Áreas de cesión obligatoria gratuita — corte 30/06/2021"])
    sheet.append([])
    sheet.append(
        [
            "Código Área",
            "Proyecto Urbanístico",
            "Comuna",
            "Barrio",
            "Tipo de Cesión",
            "Área (m2)",
            "Escritura Pública",
            "Fecha Escritura",
            "Estado de Entrega",
            "Latitud",
            "Longitud",
        ]
    )
    projects = [
        "Urbanización Ciudad Jardín Norte",
        "Conjunto Valle del Lili",
        "Altos de Santa Elena",
        "Parcelación El Ingenio III",
        "Urbanización Bochalema",
        "Ciudadela Pance",
    ]
    for n in range(1, 61):
        sheet.append(
            [
                f"AC-{n:04d}",
                RNG.choice(projects),
                RNG.choice(COMUNAS),
                RNG.choice(["Ciudad Jardín", "Valle del Lili", "Bochalema", "El Ingenio", "Caney"]),
                RNG.choice(["Zona verde", "Vía", "Equipamiento colectivo", "Parque"]),
                round(RNG.uniform(150, 25_000), 2),
                f"EP {RNG.randint(100, 9999)} Notaría {RNG.randint(1, 23)}",
                dt.datetime(2010, 1, 1) + dt.timedelta(days=RNG.randint(0, 4000)),
                RNG.choice(["Entregada", "Pendiente", "En trámite"]),
                round(RNG.uniform(3.33, 3.48), 6),
                round(RNG.uniform(-76.56, -76.47), 6),
            ]
        )
    for row in sheet.iter_rows(min_row=4, min_col=8, max_col=8):
        row[0].number_format = "dd/mm/yyyy"
    path = HERE / "areas-cesion" / "areas_cesion_2021.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def areas_forestales() -> None:
    header = [
        "codigo_area",
        "nombre_area",
        "categoria",
        "ubicacion",
        "area_hectareas",
        "acto_administrativo",
        "fecha_declaratoria",
        "cuenca_hidrografica",
    ]
    names = [
        "Bosque de Niebla San Antonio",
        "Humedal El Cortijo",
        "Ecoparque Cerro de la Bandera",
        "Reserva Forestal Protectora Farallones",
        "Ecoparque Las Garzas",
        "Humedal Charco Azul",
        "Corredor Río Pance",
        "Bosque Municipal",
        "Cerro de las Tres Cruces",
        "Madrevieja Isla de Pájaros",
    ]
    rows = []
    for n in range(1, 26):
        rows.append(
            [
                f"APF-{n:03d}",
                f"{RNG.choice(names)} sector {n}",
                RNG.choice(
                    ["Área forestal protectora", "Ecoparque", "Humedal", "Ecosistema estratégico"]
                ),
                RNG.choice(
                    [
                        *COMUNAS,
                        "Rural - Pance",
                        "Rural - Los Andes",
                        "Rural - La Buitrera",
                        "Rural - Felidia",
                    ]
                ),
                f"{RNG.uniform(0.5, 900):.2f}",
                f"Acuerdo {RNG.randint(100, 499)} de {RNG.randint(1990, 2020)}",
                (dt.date(1990, 1, 1) + dt.timedelta(days=RNG.randint(0, 11000))).isoformat(),
                RNG.choice(
                    [
                        "Río Cali",
                        "Río Aguacatal",
                        "Río Meléndez",
                        "Río Lili",
                        "Río Pance",
                        "Río Cauca",
                    ]
                ),
            ]
        )
    _write_csv(
        HERE / "areas-proteccion-forestal" / "areas_proteccion_forestal.csv",
        header,
        rows,
        encoding="utf-8",
        delimiter=",",
    )


def indicadores_plan() -> None:
    header = [
        "Código Indicador",
        "Dimensión",
        "Línea Estratégica",
        "Programa",
        "Indicador",
        "Unidad de Medida",
        "Línea Base",
        "Meta Cuatrienio",
        "Avance 2021",
        "Porcentaje de Cumplimiento",
        "Organismo Responsable",
        "Fecha de Corte",
    ]
    dims = [
        "Cali, inclusiva y solidaria",
        "Cali, amable y sostenible",
        "Cali, gobierno incluyente",
        "Cali, productiva y competitiva",
    ]
    orgs = [
        "Secretaría de Salud Pública",
        "Secretaría de Educación",
        "DAGMA",
        "Secretaría de Movilidad",
        "Secretaría de Bienestar Social",
        "Departamento Administrativo de Planeación",
    ]
    rows = []
    for n in range(1, 81):
        base = RNG.uniform(0, 5000)
        goal = base + RNG.uniform(10, 3000)
        progress = RNG.uniform(0, goal)
        rows.append(
            [
                f"{RNG.randint(51, 54)}{RNG.randint(1, 5):02d}{n:03d}",
                RNG.choice(dims),
                f"Línea {RNG.randint(1, 6)}",
                f"Programa {RNG.randint(1, 30)}",
                f"Indicador de producto {n}",
                RNG.choice(["Número", "Porcentaje", "Kilómetros", "Hectáreas"]),
                f"{base:.2f}".replace(".", ","),
                f"{goal:.2f}".replace(".", ","),
                f"{progress:.2f}".replace(".", ","),
                f"{100 * progress / goal:.1f}".replace(".", ",") + "%",
                RNG.choice(orgs),
                "31/12/2021",
            ]
        )
    _write_csv(
        HERE / "indicadores-plan-desarrollo" / "seguimiento_plan_desarrollo.csv",
        header,
        rows,
        encoding="cp1252",
        delimiter=";",
    )


def barreras_salud() -> None:
    header = ["Periodo", "Comuna", "EAPB", "Régimen", "Tipo de Barrera", "Casos"]
    eapbs = ["Emssanar EPS", "Nueva EPS", "Sanitas EPS", "SOS EPS", "Coosalud EPS", "Sura EPS"]
    kinds = [
        "Demora en autorización",
        "Negación de servicio",
        "Falta de oportunidad en citas",
        "Entrega incompleta de medicamentos",
        "Barreras geográficas",
    ]
    rows = []
    for month in range(1, 13):
        for _ in range(17):
            rows.append(
                [
                    f"2021-{month:02d}",
                    RNG.choice(COMUNAS),
                    RNG.choice(eapbs),
                    RNG.choice(["Contributivo", "Subsidiado"]),
                    RNG.choice(kinds),
                    RNG.randint(5, 180),
                ]
            )
    _write_csv(
        HERE / "barreras-acceso-salud" / "barreras_acceso_salud_2021.txt",
        header,
        rows,
        encoding="utf-16-le",
        delimiter="\t",
        bom=True,
    )


def mesas_cultura() -> None:
    header = [
        "ID Mesa",
        "Fecha",
        "Comuna",
        "Tema",
        "Participantes",
        "Acuerdos",
        "Organizaciones Participantes",
    ]
    topics = [
        "Convivencia en el espacio público",
        "Prevención de violencias juveniles",
        "Memoria y reconciliación",
        "Cultura ciudadana para la movilidad",
        "Resolución pacífica de conflictos",
    ]
    agreements = [
        'Realizar una jornada de "Cali se cuida" cada mes, con la JAC y el colectivo juvenil',
        "Instalar un punto de escucha en la sede comunal; revisar avances en la próxima mesa",
        'Programar el festival "Barrio en paz", con apoyo de la Secretaría de Cultura',
    ]
    rows = []
    for n in range(1, 46):
        day = dt.date(2021, 2, 1) + dt.timedelta(days=RNG.randint(0, 300))
        rows.append(
            [
                f"MCP-{n:03d}",
                f"{day.day} de {MONTHS[day.month - 1]} de {day.year}",
                RNG.choice(COMUNAS),
                RNG.choice(topics),
                RNG.randint(8, 120),
                RNG.choice(agreements),
                RNG.choice(
                    [
                        "JAC del barrio, colectivo juvenil",
                        "Mesa de mujeres, JAL",
                        "Red de bibliotecas comunitarias",
                    ]
                ),
            ]
        )
    _write_csv(
        HERE / "mesas-cultura-ciudadana-paz" / "mesas_cultura_ciudadana_2021.csv",
        header,
        rows,
        encoding="utf-8",
        delimiter=",",
        bom=True,
    )


# --- budget execution (Departamento Administrativo de Hacienda) ---------------------------------

BUDGET_HEADER = [
    "RUBRO", "Centro Gestor", "Nombre Centro Gestor", "BP", "Nombre del Proyecto", "Programa",
    "Nombre de la actividad", "BPIN", "SECTOR", "PROGRAMA", "PRODUCTO", "PRODUCTO 1",
    "VALIDADOR CUIPO", "Fondo 1", "Nombre de fondo", "Clasificación del fondo", "Pospre 1",
    "Pospre 1", "Dimensión", "Nombre de Dimensión", "Línea Estratégica",
    "Nombre de Línea Estratégica", "Programa", "Nombre de Programa", "Area Funcional",
    "Nombre del Area Funcional", "Origen", "COMUNA", "VIGENCIA", "TIPO DE GASTO",
    " PPTO INICIAL ", " REDUCCIONES ", " ADICIONES ", " CONTRACREDITOS ", " CREDITOS ",
    " APLAZAMIENTO ", " DESAPLAZAMIENTO ", " PPTO. MODIFICADO ", " TOTAL ACUMULADO CDP ",
    " TOTAL ACUMULADO RPC ", " TOTAL ACUMUL OBLIGAC ", " PAGOS ", " EJECUCION ", " SALDOS CDP ",
    " PPTO. DISPONIBLE ",
]  # fmt: skip
_CENTROS = [
    ("4143", "Secretaría de Educación", "Cali, Solidaria por la Vida", "52"),
    ("4148", "Secretaría de Cultura", "Cali, Solidaria por la Vida", "52"),
    ("4161", "Secretaría del Deporte y la Recreación", "Cali, Solidaria por la Vida", "52"),
    ("4133", "Departamento Administrativo de Gestión del Medio Ambiente ", "Cali, Nuestra Casa Común", "53"),
    ("4112", "Secretaría de Gobierno", "Cali, Gobierno Incluyente", "54"),
]  # fmt: skip
_ACTIVIDADES = [
    "Dotar con mobiliario escolar la IEO Pedro Antonio Molina sede principal",
    "Adecuar la pista de patinaje Alfonso López de la comuna 7",
    "Mantener el Coliseo El Pueblo y el Estadio Pascual Guerrero",
    "Realizar el festival en honor a Jaime Garzón en la Biblioteca del Centenario",
    "Apoyar la travesía de la patrullera ARC Jaime Eduardo Cárdenas Gómez por el Pacífico",
    "Construir muros de contención en el barrio Manuela Beltrán de la comuna 14",
    "Intervenir la Institución Educativa Técnico Industrial Antonio José Camacho",
    "Brindar servicio de vigilancia en el Parque Ambiental Corazón de Pance",
    "Desarrollar una estrategia comunitaria en el parque del barrio El Hoyo ubicado en la Calle 15\ncon Carrera 1",
    "Apoyar la supervisión y seguimiento al proyecto",
    "Cumplir con la programación del servicio del SITM-MIO",
]  # fmt: skip
_FONDOS = [
    ("121000", "Ingresos corrientes de Libre Destinación", "Libre destinación (Recursos Propios)"),
    ("12420201", "SGP-Salud-Salud pública 11/12", "Destinación Específica (SGP)"),
    ("R121000", "Ingresos Corrientes de Libre Destinación", "Libre destinación (Recursos Propios)"),
    ("12311901", "Estampilla procultura ", "Destinación Específica (Recursos Propios)"),
]
_POSPRES = [
    ("2-320202009", "Servicios para la comunidad, sociales y personales"),
    ("2-320202008", "Servicios prestados a las empresas y servicios de producción "),
    ("2-320202005", "Servicios de la construcción"),
]
_COMUNAS_PRESUPUESTO = ["SANTIAGO DE CALI"] * 6 + ["COMUNA 3", "COMUNA 21", "MONTEBELLO", "PANCE"]


def _pesos(value: int) -> str:
    """Money as the treasury's Excel exports it: « 224.436.000 », and zero as « -   »."""
    if value == 0:
        return " -   "
    text = f"{abs(value):,}".replace(",", ".")
    return f"-{text} " if value < 0 else f" {text} "


def ejecucion_presupuestal() -> None:
    rng = random.Random(2024)
    rows = []
    for n in range(1, 61):
        centro, organismo, dimension, code = rng.choice(_CENTROS)
        bp = f"BP2600{rng.randint(2000, 4999)}"
        actividad = f"{bp}{rng.randint(1010100, 1020199)}"
        fondo = rng.choice(_FONDOS)
        pospre = rng.choice(_POSPRES)
        missing = n % 7 == 0  # the lookup sheet found no DNP codes for these lines
        sector = "45" if not missing else "#N/D"
        product = f"45990{rng.randint(10, 99)}"
        products = ["#N/D"] * 4 if missing else [sector[:2] + "99", product, product, product]
        if n == 14:
            products[2] = "#¡VALOR!"
        initial = rng.choice([0, 20_000_000, 54_028_800, 224_436_000, 3_000_000_000])
        initial += rng.randint(0, 50) * 1_000_000 if initial else 0
        additions = 6_062_670_716 if n == 5 else 0  # billions of pesos, not a landline
        moved = -176_372_340 if n == 9 else 0
        modified = initial + additions + moved
        cdp = rng.choice([0, 0, modified // 2, modified])
        rpc = rng.choice([0, cdp])
        paid = rpc // 4
        rows.append(
            [
                f"4112{n:017d}{actividad}{pospre[0]}",
                centro,
                organismo,
                bp,
                f"Fortalecimiento de la gestión de {organismo.strip().lower()} en Santiago de  Cali",
                actividad,
                rng.choice(_ACTIVIDADES).replace("\\n", "\n"),
                f"20207600{rng.randint(10000, 99999)}",
                sector,
                *products,
                *fondo,
                *pospre,
                code,
                dimension,
                f"{code}0{rng.randint(1, 5)}",
                "Territorios para la Vida",
                f"{code}0{rng.randint(1, 5)}00{rng.randint(1, 9)}",
                "Fortalecimiento Institucional",
                f"{code}0{rng.randint(1, 5)}00{rng.randint(1, 9)}000{rng.randint(1, 9)}",
                "Personas formadas en prácticas artísticas en comunas y corregimientos",
                rng.choice(["Organismo", "Organismo", "Territorio"]),
                rng.choice(_COMUNAS_PRESUPUESTO),
                rng.choice(["Actual", "Actual", "Reservas"]),
                "Inversión",
                _pesos(initial),
                _pesos(0),
                _pesos(additions),
                _pesos(moved),
                _pesos(0),
                _pesos(0),
                _pesos(0),
                _pesos(modified),
                _pesos(cdp),
                _pesos(rpc),
                _pesos(paid),
                _pesos(paid),
                _pesos(rpc),
                _pesos(cdp - rpc),
                _pesos(modified - cdp),
            ]
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(BUDGET_HEADER)
    writer.writerows(rows)
    path = HERE / "ejecucion-presupuestal-inversion" / "EJECUCION_2024_demo.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\ufeff".encode() + buffer.getvalue().encode("utf-8"))


if __name__ == "__main__":
    for make in (
        parque_pacifico,
        areas_cesion,
        areas_forestales,
        indicadores_plan,
        barreras_salud,
        mesas_cultura,
        ejecucion_presupuestal,
    ):
        make()
