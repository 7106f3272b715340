"""SoQL's `$query`: one string with every clause, turned into the separate parameters.

`SELECT a, count(*) WHERE … GROUP BY a ORDER BY … LIMIT 5 OFFSET 10` becomes `$select`, `$where`,
`$group`, `$order`, `$limit`, `$offset` (and `SEARCH '…'` becomes `$q`), which `soql` compiles.
Clause keywords count only outside parentheses; sub-queries (`|>`) are not supported, and
`$query` cannot be mixed with the separate parameters (as on Socrata: 400).
"""

from __future__ import annotations

from datos_cali.localportal.soql import MALFORMED, MSG_UNEXPECTED, soql_error, tokenize

MSG_QUERY_WITH_OTHERS = "$query cannot be combined with {names}; put every clause in $query"
MSG_NO_SUBQUERIES = "Sub-queries (|>) are not supported by the local portal"

_QUERY_CLAUSES = {
    "select": "$select",
    "where": "$where",
    "order": "$order",
    "group": "$group",
    "having": "$having",
    "limit": "$limit",
    "offset": "$offset",
    "search": "$q",
}


def expand(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`$query=SELECT a, count(*) WHERE … GROUP BY a LIMIT 5` → the equivalent parameters."""
    text = next((value for key, value in pairs if key == "$query"), None)
    if text is None:
        return pairs
    others = sorted(
        {k for k, _ in pairs if k.startswith("$") and not k.startswith("$$")} - {"$query"}
    )
    if others:
        raise soql_error(MALFORMED, MSG_QUERY_WITH_OTHERS.format(names=", ".join(others)))
    if "|>" in text:
        raise soql_error(MALFORMED, MSG_NO_SUBQUERIES)
    rest = [(k, v_) for k, v_ in pairs if k != "$query"]
    return rest + _split_clauses(text)


def _split_clauses(text: str) -> list[tuple[str, str]]:
    tokens = tokenize(text, "$query")
    starts: list[tuple[str, int, int]] = []  # (parameter, clause start, body start)
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        depth += {"(": 1, ")": -1}.get(token.text, 0) if token.kind == "punct" else 0
        word = token.text.lower() if token.kind == "name" else ""
        if depth == 0 and word in _QUERY_CLAUSES:
            body = token.position + len(token.text)
            if word in ("order", "group"):
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                if following is None or following.text.lower() != "by":
                    raise soql_error(
                        MALFORMED,
                        MSG_UNEXPECTED.format(
                            clause="$query", found=repr(token.text), position=token.position
                        ),
                    )
                body = following.position + len(following.text)
                index += 1
            starts.append((_QUERY_CLAUSES[word], token.position, body))
        index += 1
    if not starts or (starts[0][1] != 0 and text[: starts[0][1]].strip()):
        found = text.strip()[:20]
        message = MSG_UNEXPECTED.format(clause="$query", found=repr(found), position=0)
        raise soql_error(MALFORMED, message)
    clauses = []
    for number, (name, _start, body) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else len(text)
        value = text[body:end].strip()
        if name == "$q":
            value = value[1:-1].replace("''", "'") if value.startswith("'") else value
        clauses.append((name, value))
    return clauses
