"""Reading the project's YAML (metadata, mappings, provenance sidecars, message catalogues).

Why not `yaml.safe_load`: PyYAML's pure-Python loader takes about a second of CPU for the ~130
files a build and a server start read; the same safe loader in libyaml (bundled in PyYAML's
wheels) takes a tenth of that and gives the same objects."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # pure Python where libyaml is missing


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 -- a safe loader, the C build of SafeLoader


def read_yaml(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))
