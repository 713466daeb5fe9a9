"""The deployed services trust X-Forwarded-For only from the gateway, which sets it (issue 15 §4)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
APIS = ("registration", "followup", "eligibility", "subsidy")


def _documents(name: str) -> list[dict[str, object]]:
    return [d for d in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if d]


class TestGatewaySetsTheHeader:
    def test_x_forwarded_for_is_set_to_the_peer_never_appended_to(self) -> None:
        conf = (DEPLOY / "gateway" / "nginx.conf").read_text()
        lines = [line.split("#")[0] for line in conf.splitlines()]
        forwarded = [line.split() for line in lines if "X-Forwarded-For" in line]
        assert forwarded and all(words == ["proxy_set_header", "X-Forwarded-For", "$remote_addr;"]
                                 for words in forwarded), forwarded
        assert "$proxy_add_x_forwarded_for" not in "".join(lines)


class TestServicesTrustOnlyTheGateway:
    def test_no_api_trusts_forwarded_headers_from_everyone(self) -> None:
        for name in APIS:
            for doc in _documents(f"{name}.yaml"):
                text = yaml.safe_dump(doc)
                assert not re.search(r"forwarded-allow-ips[= ]+['\"]?\*", text), name
        (config,) = [d for d in _documents("config.yaml") if d["kind"] == "ConfigMap"]
        allowed = str(config["data"]["FORWARDED_ALLOW_IPS"])  # type: ignore[index]
        assert "*" not in allowed and allowed.strip()

    def test_only_jiuye_pods_reach_the_apis(self) -> None:
        (policy,) = _documents("networkpolicy.yaml")
        assert policy["kind"] == "NetworkPolicy"
        spec = policy["spec"]
        assert spec["podSelector"] == {"matchLabels": {"app.kubernetes.io/component": "api"}}  # type: ignore[index]
        assert spec["ingress"] == [  # type: ignore[index]
            {"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "jiuye"}}}]}
        ]
        assert "k8s/networkpolicy.yaml" in (DEPLOY / "kustomization.yaml").read_text()
