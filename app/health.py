"""Readiness check for a container or an orchestrator: `python -m app.health`.

Exit 0 when the release named in the data folder's manifest is present and intact (every file
there, with the size and sha256 the manifest records), 1 otherwise; one line says why. It reads
EXILE_DATA_DIR like the dashboard, and loads neither Streamlit nor the ETL.
"""
from __future__ import annotations

import sys

from app.release_files import read_checked
from etl.paths import default_data_paths


def main() -> int:
    paths = default_data_paths()
    manifest, problem = read_checked(paths)
    if problem is not None:
        print(f"not ready: {problem.reason()}")
        return 1
    assert manifest is not None  # no problem means the manifest was read
    print(f"ready: release {manifest['release_id']} in {paths.root}, {len(manifest['tables'])} files intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
