"""The fast YAML loader reads every YAML file of the project exactly as PyYAML's safe loader does."""
from __future__ import annotations

import pytest
import yaml

from etl import yaml_io
from etl.paths import REPO_ROOT

FOLDERS = ("app/locales", "etl", "data/raw")


def test_every_project_yaml_file_loads_as_the_safe_loader_loads_it():
    paths = sorted(path for folder in FOLDERS for path in (REPO_ROOT / folder).rglob("*.yml"))
    assert len(paths) > 100
    for path in paths:
        assert yaml_io.read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_the_loader_is_safe():
    assert issubclass(yaml_io.SafeLoader, yaml.constructor.SafeConstructor)
    with pytest.raises(yaml.YAMLError):
        yaml_io.load_yaml("!!python/object/apply:os.system ['true']")
