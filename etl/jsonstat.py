"""Parse a JSON-stat 2.0 dataset (as the Eurostat Statistics API returns it) into a tidy frame.

Read the layout from the file, never assume it: dimension order comes from `id` and `size`
and differs between datasets; `value` and `status` are sparse objects keyed by the flat
row-major index (as a string), and a cell without data is absent, not zero.
"""
from __future__ import annotations

import re
from itertools import product

import pandas as pd

# Eurostat observation flags (since 27 Jan 2025 also i, m, n and C/N/P for confidentiality).
# An unknown flag must fail loudly: dropping it would silently change what a number means.
KNOWN_FLAGS = {
    "b": "break in time series", "c": "confidential", "d": "definition differs (see metadata)",
    "e": "estimated", "f": "forecast", "i": "see metadata", "m": "missing", "n": "not significant",
    "p": "provisional", "r": "revised", "s": "Eurostat estimate", "u": "low reliability",
    "z": "not applicable", "C": "confidential", "N": "not for publication", "P": "provisional",
}
TIME_CODE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-S[12])?$")


class JsonStatError(ValueError):
    """The document is not a JSON-stat 2.0 dataset we can read without guessing."""


def parse(doc: dict) -> pd.DataFrame:
    """Return one row per observed cell: a column per dimension (category codes), `value`, `flag`."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset" or "id" not in doc or "size" not in doc:
        raise JsonStatError("not a JSON-stat 2.0 dataset (class/id/size missing)")
    ids, sizes = doc["id"], doc["size"]
    if len(ids) != len(sizes):
        raise JsonStatError(f"id has {len(ids)} dimensions but size has {len(sizes)}")
    codes_by_dim = [_codes(doc, dim, size) for dim, size in zip(ids, sizes)]
    total = 1
    for size in sizes:
        total *= size
    values = _cells(doc.get("value"), total, "value")
    status = _cells(doc.get("status"), total, "status")
    bad_values = [v for v in values.values() if isinstance(v, bool) or not isinstance(v, (int, float))]
    if bad_values:
        raise JsonStatError(f"non-numeric value(s) {bad_values[:3]}")
    rows = []
    for flat, combo in enumerate(product(*codes_by_dim)):
        if flat in values:
            rows.append((*combo, values[flat], status.get(flat)))
    frame = pd.DataFrame(rows, columns=[*ids, "value", "flag"])
    _check_flags(frame["flag"])
    if "time" in ids:
        # Every time category, observed or not: an old code such as 2015Q4 means the format changed.
        bad = sorted(t for t in codes_by_dim[ids.index("time")] if not TIME_CODE.match(str(t)))
        if bad:
            raise JsonStatError(f"unknown time code(s) {bad}: expected YYYY, YYYY-MM, YYYY-Qn or YYYY-Sn")
    return frame


def _codes(doc: dict, dim: str, size: int) -> list[str]:
    try:
        index = doc["dimension"][dim]["category"]["index"]
    except (KeyError, TypeError):
        raise JsonStatError(f"dimension {dim} has no category index") from None
    # `index` is either {code: position} or a list of codes in order.
    codes = sorted(index, key=lambda code: index[code]) if isinstance(index, dict) else list(index)
    if len(codes) != size:
        raise JsonStatError(f"dimension {dim}: {len(codes)} categories but size {size}")
    return codes


def _cells(cells, total: int, name: str) -> dict[int, object]:
    """`value`/`status` as {flat index: content}: sparse objects are keyed by the index as a
    string, dense lists hold null for a missing cell."""
    if isinstance(cells, list):
        return {i: c for i, c in enumerate(cells) if c is not None and c != ""}
    try:
        found = {int(key): c for key, c in (cells or {}).items()}
    except (AttributeError, ValueError):
        raise JsonStatError(f"{name} is neither a list nor an object keyed by cell index") from None
    if any(not 0 <= key < total for key in found):
        raise JsonStatError(f"{name} index outside the cube defined by size")
    return found


def _check_flags(flags: pd.Series) -> None:
    unknown = sorted({letter for flag in flags.dropna() for letter in str(flag) if letter not in KNOWN_FLAGS})
    if unknown:
        raise JsonStatError(f"unknown observation flag(s) {unknown}; refusing to drop them silently")
