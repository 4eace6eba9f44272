"""The Kubernetes manifests (deploy/k8s/): valid, strictly (no unknown field), for Kubernetes
1.34 (kubernetes-validate's offline schemas), and saying what the README promises: probes,
non-root read-only pods, an autoscaler on the Deployment, cookie affinity and websocket timeouts
at the Ingress, the static edition from the bucket's endpoint."""
from __future__ import annotations

import copy

import pytest
import yaml

from etl.paths import REPO_ROOT

K8S = REPO_ROOT / "deploy" / "k8s"
KUBERNETES = "1.34.0"


@pytest.fixture(scope="module")
def validate():
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed (pip install -r requirements-dev.txt)")

    def check(document: dict) -> None:
        kubernetes_validate.validate(document, KUBERNETES, strict=True)
    return check


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    return [d for path in sorted(K8S.glob("*.yaml")) for d in yaml.safe_load_all(path.read_text()) if d]


def find(documents, kind: str, name: str) -> dict:
    return next(d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name)


def test_every_manifest_is_valid(documents, validate):
    assert len(documents) >= 8
    for document in documents:
        validate(document)


def test_an_unknown_field_is_refused(documents, validate):
    import kubernetes_validate
    broken = copy.deepcopy(find(documents, "Deployment", "exiles-app"))
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"periodSeconds": 5}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(broken)


def test_the_deployment(documents):
    pod = find(documents, "Deployment", "exiles-app")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["livenessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert container["readinessProbe"]["exec"]["command"] == ["python", "-m", "app.health"]
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and "memory" in container["resources"]["limits"]
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/tmp"}


def test_the_autoscaler_drives_the_deployment(documents):
    hpa = find(documents, "HorizontalPodAutoscaler", "exiles-app")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "exiles-app"}
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]


def test_the_ingress_keeps_sessions_and_websockets(documents):
    annotations = find(documents, "Ingress", "exiles-app")["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "session-cookie-name"] == "exiles_route"
    assert int(annotations[prefix + "proxy-read-timeout"]) >= 3600
    assert int(annotations[prefix + "proxy-send-timeout"]) >= 3600
    assert annotations[prefix + "default-backend"] == "exiles-static"
    assert set(annotations[prefix + "custom-http-errors"].split(",")) == {"502", "503", "504"}


def test_the_static_edition_comes_from_the_bucket(documents):
    service = find(documents, "Service", "exiles-static")["spec"]
    assert service["type"] == "ExternalName"
    static_paths = {p["path"] for rule in find(documents, "Ingress", "exiles-static")["spec"]["rules"]
                    for p in rule["http"]["paths"]}
    embed_paths = {p["path"] for rule in find(documents, "Ingress", "exiles-embed")["spec"]["rules"]
                   for p in rule["http"]["paths"]}
    assert {"/index.html", "/edition/", "/files/", "/assets/", "/_stcore/metrics"} <= static_paths and embed_paths == {"/embed/"}
