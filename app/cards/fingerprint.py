"""The fingerprint of the code that makes the cards, which a bake file must name to be read
(app/cards/bake.py): every file of app/ (code, catalogues, fonts, assets), every module of etl/
that app/ imports (and those they import: country names, paths, the YAML reader), the bake's
format, Python's and the libraries' versions.

Computed once, when app/cards is first imported (a serving process's first run, before any card
is asked for; ~20 ms: a few MB hashed), never inside a reader's card load."""
from __future__ import annotations

import hashlib
import re
import sys
from importlib import metadata
from pathlib import Path

FORMAT = 1
# The libraries whose versions shape what a card draws (figures, tables, numbers and dates, country
# names, text measured for the embed heights) or how the files are read.
LIBRARIES = ("plotly", "pandas", "numpy", "pyarrow", "streamlit", "babel", "pillow", "pyyaml", "pycountry")
APP_DIR = Path(__file__).resolve().parent.parent
ETL_DIR = APP_DIR.parent / "etl"


IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(etl(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[\w \t,]+)"
                    rb"|import[ \t]+(etl(?:\.\w+)*))", re.M)


def _imported_etl(path: Path) -> set[str]:
    """The etl modules a Python file imports (at its top or inside a function), by dotted name:
    a line's own `from etl.x import y` or `import etl.x` (read as text: parsing every file of app/
    would cost half a second)."""
    found: set[str] = set()
    for module, names, imported in IMPORT.findall(path.read_bytes()):
        if imported:
            found.add(imported.decode())
            continue
        found.add(module.decode())
        found |= {f"{module.decode()}.{name.strip()}" for name in  # `from etl import steps`
                  names.decode().replace("(", " ").replace(")", " ").split(",") if name.strip().isidentifier()}
    return found


def _module_file(name: str, etl_dir: Path) -> Path | None:
    parts = name.split(".")[1:]
    candidates = [etl_dir / "__init__.py"] if not parts else [
        etl_dir.joinpath(*parts[:-1], parts[-1] + ".py"), etl_dir.joinpath(*parts, "__init__.py")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None  # a name imported from a module (a function), not a module


def etl_files(app_dir: Path = APP_DIR, etl_dir: Path = ETL_DIR) -> list[Path]:
    """Every module file of etl/ that app/ imports, and those they import in turn (with the
    packages' __init__.py files on the way), sorted."""
    files: set[Path] = set()
    todo = [path for path in app_dir.rglob("*.py") if "__pycache__" not in path.parts]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_etl(path):
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):  # etl/__init__.py, etl/steps/__init__.py, ...
                found = _module_file(".".join(parts[:depth]), etl_dir)
                if found is not None and found not in files:
                    files.add(found)
                    todo.append(found)
    return sorted(files)


def compute(app_dir: Path = APP_DIR, etl_dir: Path = ETL_DIR) -> str:
    digest = hashlib.sha256(f"bake {FORMAT} python {sys.version_info[:3]}\n".encode())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name} {version}\n".encode())
    for path in sorted(app_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(b"app/" + path.relative_to(app_dir).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for path in etl_files(app_dir, etl_dir):
        digest.update(b"etl/" + path.relative_to(etl_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


CURRENT = compute()
