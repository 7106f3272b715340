"""The typer application objects; command modules register themselves on these."""

from datos_cali.cli import language
from datos_cali.cli.language import SpanishTyper

language.install()

app = SpanishTyper(
    name="datos-cali",
    help="Canal de publicación de datos abiertos de la Alcaldía de Santiago de Cali.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
catalog_app = SpanishTyper(
    help="Revisar y listar el catálogo de conjuntos de datos.", no_args_is_help=True
)
app.add_typer(catalog_app, name="catalog")
portal_app = SpanishTyper(
    help="El portal local (Socrata y CKAN) para pruebas y ejecuciones sin credenciales.",
    no_args_is_help=True,
)
app.add_typer(portal_app, name="portal")
report_app = SpanishTyper(
    help="El sitio de informes de calidad para auditores.", no_args_is_help=True
)
app.add_typer(report_app, name="report")
usage_app = SpanishTyper(
    help="Visitas y descargas de los conjuntos publicados.", no_args_is_help=True
)
app.add_typer(usage_app, name="usage")
compliance_app = SpanishTyper(
    help="Cumplimiento del plan de apertura de cada organismo.", no_args_is_help=True
)
app.add_typer(compliance_app, name="compliance")
usuarios_app = SpanishTyper(
    help="Cuentas de la ventanilla: organismos, oficina de transparencia y auditores.",
    no_args_is_help=True,
)
app.add_typer(usuarios_app, name="usuarios")
avisos_app = SpanishTyper(
    help="Avisos por correo de la ventanilla (rechazos, publicaciones, atrasos).",
    no_args_is_help=True,
)
app.add_typer(avisos_app, name="avisos")
servidor_app = SpanishTyper(
    help="El servidor de Prefect de la instalación: límite de escrituras, fallos y secretos.",
    no_args_is_help=True,
)
app.add_typer(servidor_app, name="servidor")
