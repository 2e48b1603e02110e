"""Output formats of the listing commands: ``table``, ``json``, ``yaml`` and ``value``.

Records are plain dicts of JSON values; the shapes match Optuna's CLI so that scripts
parsing ``optuna trials -f json`` read ``hypersearch trials -f json`` unchanged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

FORMATS = ("value", "json", "table", "yaml")

Record = dict[str, Any]

_PLAIN_YAML = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/ ]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def flatten(record: Record) -> Record:
    """``{"params": {"x": 1}}`` -> ``{"params_x": 1}``; lists become ``key_0``, ``key_1``..."""
    flat: Record = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for sub, item in value.items():
                flat[f"{key}_{sub}"] = item
        elif isinstance(value, list):
            for index, item in enumerate(value):
                flat[f"{key}_{index}"] = item
        else:
            flat[key] = value
    return flat


def render(
    data: Record | Sequence[Record],
    fmt: str,
    *,
    flat: bool = False,
    columns: Sequence[str] = (),
) -> str:
    """``data`` (one record or a list) in the format ``fmt`` (one of :data:`FORMATS`).

    ``columns``: the table's header when there are no records.
    """
    one = isinstance(data, dict)
    records: list[Record] = [data] if isinstance(data, dict) else list(data)
    if flat:
        records = [flatten(r) for r in records]
    if fmt == "json":
        return json.dumps(records[0] if one else records)
    if fmt == "yaml":
        return _yaml(records[0] if one else records, 0).rstrip("\n")
    if fmt == "table":
        return _table(records, list(columns))
    if fmt == "value":
        return "\n".join(" ".join(_cell(v) for v in r.values()) for r in records)
    raise ValueError(f"--format {fmt!r} is unknown; choose one of {list(FORMATS)}.")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return repr(tuple(value))
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _table(records: list[Record], columns: list[str]) -> str:
    if records:
        columns = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    if not columns:
        return "+\n|\n+\n+"  # Optuna's empty table
    cells = [[_cell(r.get(c)) for c in columns] for r in records]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(row: list[str], numeric: list[bool]) -> str:
        parts = [
            f" {text.rjust(w) if right else text.ljust(w)} "
            for text, w, right in zip(row, widths, numeric)
        ]
        return "|" + "|".join(parts) + "|"

    lines = [rule, line(columns, [False] * len(columns)), rule]
    for record, row in zip(records, cells):
        lines.append(line(row, [_is_number(record.get(c)) for c in columns]))
    lines.append(rule)
    return "\n".join(lines)


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    if _PLAIN_YAML.match(text) and text.lower() not in _YAML_WORDS and not text.endswith(" "):
        return text
    return json.dumps(text)  # a double-quoted JSON string is a valid YAML scalar


def _yaml(value: Any, indent: int) -> str:
    """Block-style YAML with sorted keys, as PyYAML's ``safe_dump`` writes these records."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = []
        for key in sorted(value, key=str):
            item = value[key]
            head = f"{pad}{_yaml_scalar(key)}:"
            if isinstance(item, (dict, list)) and item:
                child = indent if isinstance(item, list) else indent + 2  # PyYAML's layout
                out.append(f"{head}\n" + _yaml(item, child))
            else:
                out.append(f"{head} {_yaml(item, 0).strip()}\n")
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                body = _yaml(item, indent + 2)
                out.append(f"{pad}- " + body[indent + 2 :])
            else:
                out.append(f"{pad}- {_yaml(item, 0).strip()}\n")
        return "".join(out)
    return pad + _yaml_scalar(value) + "\n"
