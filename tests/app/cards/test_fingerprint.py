"""The fingerprint a bake file must name (app/cards/fingerprint.py): it changes with app/'s files
(code, catalogues), with the etl modules app/ imports (and those they import), with the libraries'
versions, and not with compiled files or etl modules app/ never imports; it is computed when
app/cards is imported, never inside a card load."""
from __future__ import annotations

import subprocess
import sys

from app.cards import fingerprint as code
from etl.paths import REPO_ROOT


def test_the_fingerprint_changes_with_the_code_the_catalogues_the_etl_it_imports_and_the_libraries(tmp_path,
                                                                                                     monkeypatch):
    app, etl = tmp_path / "app", tmp_path / "etl"
    (app / "locales" / "en").mkdir(parents=True)
    (app / "__pycache__").mkdir()
    etl.mkdir()
    (app / "card.py").write_text("from etl.codes import country_name\n\n\ndef f():\n    import etl.fields\n")
    (app / "locales" / "en" / "common.yml").write_text("share: Share\n")
    (etl / "__init__.py").write_text("")
    (etl / "codes.py").write_text("from etl import paths\nfrom etl.errors import (\n    Bad,\n)\n")
    for name in ("paths", "errors", "fields", "pipeline"):
        (etl / f"{name}.py").write_text("x = 1\n")
    assert [path.name for path in code.etl_files(app, etl)] == [
        "__init__.py", "codes.py", "errors.py", "fields.py", "paths.py"]  # not pipeline.py

    def changes(path, text) -> bool:
        before = code.compute(app, etl)
        path.write_text(text)
        return code.compute(app, etl) != before

    assert not changes(app / "__pycache__" / "card.cpython-311.pyc", "compiled")  # the image compiles
    assert not changes(etl / "pipeline.py", "x = 2\n")  # app/ never imports it
    assert changes(app / "locales" / "en" / "common.yml", "share: Share it\n")
    assert changes(app / "card.py", "from etl.codes import country_name\n\n\ndef f():\n    import etl.fields  # !\n")
    assert changes(etl / "codes.py", "from etl import paths\nfrom etl.errors import (\n    Bad,\n)\ny = 2\n")
    assert changes(etl / "paths.py", "x = 2\n")  # imported by what app/ imports
    assert changes(etl / "errors.py", "x = 2\n")  # named inside parentheses
    assert changes(etl / "fields.py", "x = 2\n")  # imported inside a function
    before = code.compute(app, etl)
    monkeypatch.setattr(code.metadata, "version", lambda name: "9.9" if name == "pycountry" else "1.0")
    assert code.compute(app, etl) != before


def test_the_real_fingerprint_covers_the_etl_modules_the_cards_read():
    names = {path.relative_to(code.ETL_DIR).as_posix() for path in code.etl_files()}
    assert {"codes.py", "paths.py", "yaml_io.py", "atomic.py", "__init__.py"} <= names
    assert code.CURRENT == code.compute()


def test_the_fingerprint_is_computed_when_the_cards_are_imported_not_when_a_card_is_read():
    script = ("import sys, app.cards\n"
              "from app.cards import fingerprint\n"
              "assert len(fingerprint.CURRENT) == 64\n"
              "def never():\n"
              "    raise AssertionError('computed during a card load')\n"
              "fingerprint.compute = never\n"
              "from app.cards import bake\n"
              "assert bake.fingerprint() == fingerprint.CURRENT\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
