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
    if doc.get("class") != "dataset" or "id" not in doc or "size" not in doc:
        raise JsonStatError("not a JSON-stat 2.0 dataset (class/id/size missing)")
    ids, sizes = doc["id"], doc["size"]
    if len(ids) != len(sizes):
        raise JsonStatError(f"id has {len(ids)} dimensions but size has {len(sizes)}")
    codes_by_dim = []
    for dim, size in zip(ids, sizes):
        index = doc["dimension"][dim]["category"]["index"]
        # `index` is either {code: position} or a list of codes in order.
        codes = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
        if len(codes) != size:
            raise JsonStatError(f"dimension {dim}: {len(codes)} categories but size {size}")
        codes_by_dim.append(codes)
    values = doc.get("value") or {}
    if isinstance(values, list):  # dense form: nulls are missing cells
        values = {str(i): v for i, v in enumerate(values) if v is not None}
    status = doc.get("status") or {}
    if isinstance(status, list):
        status = {str(i): s for i, s in enumerate(status) if s}
    total = 1
    for size in sizes:
        total *= size
    rows = []
    for flat, combo in enumerate(product(*codes_by_dim)):
        key = str(flat)
        if key not in values:
            continue
        rows.append((*combo, values[key], status.get(key)))
    if any(int(k) >= total for k in values):
        raise JsonStatError("value index outside the cube defined by size")
    frame = pd.DataFrame(rows, columns=[*ids, "value", "flag"])
    _check_flags(frame["flag"])
    if "time" in frame:
        bad = sorted(set(t for t in frame["time"] if not TIME_CODE.match(str(t))))
        if bad:
            raise JsonStatError(f"unknown time code(s) {bad}: expected YYYY, YYYY-MM, YYYY-Qn or YYYY-Sn")
    return frame


def _check_flags(flags: pd.Series) -> None:
    unknown = sorted({letter for flag in flags.dropna() for letter in str(flag) if letter not in KNOWN_FLAGS})
    if unknown:
        raise JsonStatError(f"unknown observation flag(s) {unknown}; refusing to drop them silently")
