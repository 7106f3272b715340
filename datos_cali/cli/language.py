"""The CLI speaks Spanish: click's and typer's own words through gettext, help laid out in Spanish.

Click and typer mark every text they print («Usage:», «Show this message and exit.», «Missing
option», «Error: …», «[required]») for GNU gettext in the process's current text domain. `install`
binds that domain to the Spanish catalog shipped here (`locale/es/LC_MESSAGES/datos_cali.po`,
compiled to `.mo` by `make translations`) and makes Spanish the message language of this process
(gettext reads it from `LANGUAGE`, ahead of the machine's locale: an office machine set to
English still gets a Spanish CLI).

What gettext cannot reach is the value labels typer derives from Python types (`<bool>`,
`<path>`, `<int>`) and the usage line's placeholders; `SpanishCommand` lays out the usage line
and the «Argumentos»/«Opciones» sections itself through click's documented `collect_usage_pieces`
and `format_options` hooks, naming each value in Spanish (`CONJUNTO`, `AÑO`, `RUTA`).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

import click
import typer
from typer.core import TyperCommand, TyperGroup

DOMAIN = "datos_cali"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE = "es"
OPTIONS_METAVAR = "[OPCIONES]"
SUBCOMMAND_METAVAR = "COMANDO [ARGUMENTOS]..."
SHORT_HELP = 200  # characters of a command's first sentence shown in its group's list

# The Spanish name of a value when a parameter declares no metavar, by click type.
VALUE_NAMES = (
    (click.types.IntParamType, "NÚMERO"),
    (click.types.FloatParamType, "NÚMERO"),
    (click.types.BoolParamType, "SÍ|NO"),
    (click.DateTime, "FECHA"),
    (click.types.StringParamType, "TEXTO"),
)


def install() -> None:
    """Make this process's gettext lookups (click's, typer's) answer from the Spanish catalog."""
    os.environ["LANGUAGE"] = LANGUAGE
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


def _(message: str) -> str:
    return gettext.gettext(message)


def value_name(param: click.Parameter) -> str:
    if param.metavar:
        return param.metavar
    kind = param.type
    if isinstance(kind, click.Path):
        if kind.dir_okay and not kind.file_okay:
            return "CARPETA"
        return "ARCHIVO" if kind.file_okay and not kind.dir_okay else "RUTA"
    if isinstance(kind, click.Choice):
        return "|".join(map(str, kind.choices))
    return next((name for cls, name in VALUE_NAMES if isinstance(kind, cls)), "VALOR")


def _argument_label(param: click.Parameter) -> str:
    label = param.metavar or param.name.upper()
    return f"{label}..." if param.nargs != 1 else label


def _option_label(param: click.Option) -> str:
    names = ", ".join([*param.opts, *param.secondary_opts])
    if param.is_flag or param.count:
        return names
    return f"{names} {value_name(param)}"


def _help(param: click.Parameter, ctx: click.Context) -> str:
    text = getattr(param, "help", None) or ""
    extras = []
    default = param.get_default(ctx, call=False)
    show = getattr(param, "show_default", None)
    shown = ctx.show_default if show is None else show
    if shown and default not in (None, "", False, (), []) and not getattr(param, "is_flag", False):
        extras.append(_("default: {default}").format(default=default))
    if param.required:
        extras.append(_("required"))
    return f"{text}  [{'; '.join(extras)}]".strip() if extras else text


class SpanishCommand(TyperCommand):
    """A command whose usage line and parameter sections name every value in Spanish."""

    def get_short_help_str(self, limit: int = 45) -> str:
        # The whole first sentence in the list of commands (wrapped there), never cut mid-word.
        return super().get_short_help_str(limit=max(limit, SHORT_HELP))

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                label = _argument_label(param)
                pieces.append(label if param.required else f"[{label}]")
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if getattr(param, "hidden", False):
                continue
            if isinstance(param, click.Argument):
                arguments.append((_argument_label(param), _help(param, ctx)))
            elif isinstance(param, click.Option):
                options.append((_option_label(param), _help(param, ctx)))
        for title, rows in ((_("Arguments"), arguments), (_("Options"), options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class SpanishGroup(TyperGroup):
    """A group whose usage line and options are laid out like `SpanishCommand`'s."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return super().get_short_help_str(limit=max(limit, SHORT_HELP))

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [self.options_metavar or "", self.subcommand_metavar or SUBCOMMAND_METAVAR]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        SpanishCommand.format_options(self, ctx, formatter)  # type: ignore[arg-type]
        self.format_commands(ctx, formatter)


class SpanishTyper(typer.Typer):
    """A typer application whose groups and commands are the Spanish ones above."""

    def __init__(self, **settings) -> None:
        settings.setdefault("cls", SpanishGroup)
        settings.setdefault("options_metavar", OPTIONS_METAVAR)
        settings.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        settings.setdefault("rich_markup_mode", None)  # click's formatter: gettext reaches it
        settings.setdefault("context_settings", {"max_content_width": 100})
        super().__init__(**settings)

    def command(self, *args, **settings):
        settings.setdefault("cls", SpanishCommand)
        return super().command(*args, **settings)
