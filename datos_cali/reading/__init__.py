"""Tolerant reading of whatever office software exported into a table of text columns.

`read_table(path)` detects format, encoding and delimiter from the bytes and returns a
`RawTable` (all cells as text, with the file row number of each record); `typing.coerce`
then turns text into the schema's types, reporting what it could not convert.
"""

from datos_cali.reading.read import read_table
from datos_cali.reading.table import RawTable, ReadError

__all__ = ["RawTable", "ReadError", "read_table"]
