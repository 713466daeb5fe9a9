"""Every database connection the Kubernetes manifests can open at once fits PostgreSQL's default
max_connections, rollouts included (the arithmetic is in deploy/README.md, "Connection budget")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.settings import PlatformSettings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"

MAX_CONNECTIONS = 100  # PostgreSQL's default
SUPERUSER_RESERVED = 3  # superuser_reserved_connections' default: jiuye's role is not a superuser
HEADROOM = 10  # psql sessions, monitoring, backups and the migration Job
BUDGET = MAX_CONNECTIONS - SUPERUSER_RESERVED - HEADROOM
WORKER_CONNECTIONS = 2 + 2  # shared/worker.py: pool_size=2, max_overflow=2, whatever the settings say


@dataclass(frozen=True)
class Deployment:
    """One Deployment's share of the budget."""

    name: str
    replicas: int
    per_pod: int
    recreate: bool

    @property
    def steady(self) -> int:
        return self.replicas * self.per_pod

    @property
    def rolling_out(self) -> int:
        # A rolling update starts the new pods while old ones may still be terminating, and a
        # terminating pod keeps its pool until its process ends (Kubernetes does not count it against
        # maxSurge): up to twice the replicas. Recreate stops the old pods first.
        return self.steady if self.recreate else 2 * self.steady


def _documents() -> Iterator[dict[str, Any]]:
    for path in sorted(K8S.glob("*.yaml")):
        yield from (doc for doc in yaml.safe_load_all(path.read_text()) if doc)


def _config() -> dict[str, str]:
    (config,) = [d for d in _documents() if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "jiuye-config"]
    data: dict[str, str] = config["data"]
    return data


def _api_connections(container: dict[str, Any]) -> int:
    # An `env:` entry of the container overrides the ConfigMap's value.
    env = {**_config(), **{e["name"]: e["value"] for e in container.get("env", []) if "value" in e}}
    return int(env["DB_POOL_SIZE"]) + int(env["DB_MAX_OVERFLOW"])


def _deployments() -> list[Deployment]:
    found = []
    for doc in _documents():
        if doc["kind"] != "Deployment":
            continue
        component = doc["metadata"]["labels"]["app.kubernetes.io/component"]
        (container,) = doc["spec"]["template"]["spec"]["containers"]
        per_pod = {"api": _api_connections(container), "worker": WORKER_CONNECTIONS}.get(component, 0)
        recreate = doc["spec"].get("strategy", {}).get("type") == "Recreate"
        found.append(Deployment(doc["metadata"]["name"], doc["spec"]["replicas"], per_pod, recreate))
    return found


class TestConnectionBudget:
    def test_the_manifests_are_counted(self) -> None:
        # Four APIs and four workers hold connections; the scheduler and the gateway hold none.
        holding = sorted(d.name for d in _deployments() if d.per_pod)
        assert holding == sorted(f"{s}-{c}" for s in ("registration", "followup", "eligibility", "subsidy")
                                 for c in ("api", "worker"))

    def test_every_process_fits_even_during_a_rollout(self) -> None:
        deployments = _deployments()
        steady = sum(d.steady for d in deployments)
        rolling_out = sum(d.rolling_out for d in deployments)
        figures = {d.name: (d.steady, d.rolling_out) for d in deployments if d.per_pod}
        assert rolling_out <= BUDGET, (steady, rolling_out, figures)
        # The figures deploy/README.md states; change them together.
        assert (steady, rolling_out, BUDGET) == (48, 80, 87), figures

    @pytest.mark.parametrize("name", ["DB_POOL_SIZE", "DB_MAX_OVERFLOW"])
    def test_the_pool_settings_are_the_ones_the_services_read(
        self, name: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(name, "7")
        settings = PlatformSettings(app_env="test")
        assert {"DB_POOL_SIZE": settings.db_pool_size, "DB_MAX_OVERFLOW": settings.db_max_overflow}[name] == 7
        assert name in _config()
