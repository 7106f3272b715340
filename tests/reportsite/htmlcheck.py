"""A small HTML reader for the site tests: tags, links, headings, tables and text of a page."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass
class Table:
    caption: str = ""
    headers_without_scope: int = 0
    body_rows: int = 0


class Page(HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.tables: list[Table] = []
        self.ids: set[str] = set()
        self.chunks: list[str] = []
        self._heading: list[str] | None = None
        self._in_tbody = False
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag in HEADINGS:
            self._heading = []
        elif tag == "table":
            self.tables.append(Table())
        elif tag == "caption" and self.tables:
            self._caption = []
        elif tag == "th" and self.tables and attributes.get("scope") not in ("col", "row"):
            self.tables[-1].headers_without_scope += 1
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody and self.tables:
            self.tables[-1].body_rows += 1

    def handle_endtag(self, tag):
        if tag in HEADINGS and self._heading is not None:
            self.headings.append((HEADINGS[tag], " ".join("".join(self._heading).split())))
            self._heading = None
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "caption" and self._caption is not None:
            self.tables[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None

    def handle_data(self, data):
        self.chunks.append(data)
        if self._caption is not None:
            self._caption.append(data)
        if self._heading is not None:
            self._heading.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def attribute_values(self, *names: str) -> list[tuple[str, str, str]]:
        """(tag, attribute, value) for every attribute named in `names`."""
        return [
            (tag, name, value)
            for tag, attributes in self.tags
            for name, value in attributes.items()
            if name in names and value is not None
        ]

    def table(self, caption_start: str) -> Table:
        [found] = [t for t in self.tables if t.caption.startswith(caption_start)]
        return found

    def links(self) -> list[str]:
        return [value for tag, _, value in self.attribute_values("href") if tag == "a"]


def read(path: Path) -> Page:
    page = Page(path)
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page
