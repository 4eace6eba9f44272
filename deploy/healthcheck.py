"""The app container's health check (deploy/Dockerfile HEALTHCHECK): exit 0 when Streamlit answers
/_stcore/health (alive) and `python -m app.health` finds the release intact (ready), else 1 with
the reason. Kubernetes probes the two separately (deploy/k8s/deployment.yaml)."""
from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import health  # noqa: E402

PORT = os.environ.get("STREAMLIT_SERVER_PORT", "8501")


def main() -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=5) as response:
            if response.status != 200:
                print(f"not alive: /_stcore/health answered {response.status}")
                return 1
    except OSError as error:
        print(f"not alive: {error}")
        return 1
    return health.main()


if __name__ == "__main__":
    sys.exit(main())
