"""The typer application objects; command modules register themselves on these."""

import typer

app = typer.Typer(
    name="datos-cali",
    help="Canal de publicación de datos abiertos de la Alcaldía de Santiago de Cali.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(
    help="Revisar y listar el catálogo de conjuntos de datos.", no_args_is_help=True
)
app.add_typer(catalog_app, name="catalog")
portal_app = typer.Typer(
    help="El portal local (Socrata y CKAN) para pruebas y ejecuciones sin credenciales.",
    no_args_is_help=True,
)
app.add_typer(portal_app, name="portal")
