"""The gateway routes by one table of resources and enforces its limits (issue 15 §9).

The table test reads deploy/gateway/nginx.conf and the four apps; the live test (when an nginx binary is
installed) runs the same file against four stand-in upstreams on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from registration_svc.verification.router import MAX_CSV_BYTES
from services.eligibility.app import create_app as create_eligibility_app
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from services.subsidy.app import create_app as create_subsidy_app
from shared.request_body import DEFAULT_MAX_BODY_BYTES

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gateway" / "nginx.conf"
SERVICES = ("registration", "followup", "eligibility", "subsidy")
EVERY_SERVICE = {"jobs", "events", "audit-log"}  # reached through /svc/<service>/


def _map(name: str) -> dict[str, str]:
    block = re.search(r"map \$\S+ \$" + name + r" \{(.*?)\n    \}", CONF.read_text(), re.S)
    assert block, name
    pairs = (line.split("#")[0].split() for line in block.group(1).splitlines())
    return {p[0]: p[1].rstrip(";") for p in pairs if len(p) == 2 and p[0] != "default"}


def _resource_of(path: str) -> str:
    """The resource nginx's `$jiuye_resource` map gives a path: its regexes tried in order, as nginx does."""
    block = re.search(r"map \$uri \$jiuye_resource \{(.*?)\n    \}", CONF.read_text(), re.S)
    assert block
    for line in block.group(1).splitlines():
        parts = line.split("#")[0].split()
        if len(parts) == 2 and parts[0].startswith("~"):
            match = re.match(parts[0][1:].replace("(?<", "(?P<"), path)
            if match:
                value = parts[1].rstrip(";")
                return match.group("resource") if value == "$resource" else value
    return ""


def _served_paths() -> dict[str, dict[str, str]]:
    """Each resource the apps serve: the services serving it and, per service, one concrete path of it."""
    served: dict[str, dict[str, str]] = {}
    for name, create_app in zip(SERVICES, (create_registration_app, create_followup_app, create_eligibility_app,
                                           create_subsidy_app), strict=True):
        app = create_app(configure_logs=False)
        for route in app.routes:
            path = getattr(route, "path", "")
            if path.startswith("/api/v1/"):
                concrete = re.sub(r"\{[^}]+\}", "x", path)
                served.setdefault(_resource_of(concrete), {}).setdefault(name, concrete)
    return served


def _resources() -> dict[str, set[str]]:
    return {resource: set(paths) for resource, paths in _served_paths().items()}


class TestOneRoutingTable:
    def test_every_resource_the_apps_serve_is_routed_to_the_service_serving_it(self) -> None:
        table = _map("jiuye_service")
        for resource, services in _resources().items():
            if resource in EVERY_SERVICE:
                assert services == set(SERVICES), resource
                assert resource not in table
            else:
                assert services == {table.get(resource)}, f"/api/v1/{resource} is served by {services}"

    def test_the_body_limits_match_the_services(self) -> None:
        text = CONF.read_text()
        assert re.search(r"^\s+client_max_body_size 1m;", text, re.M) and DEFAULT_MAX_BODY_BYTES == 1024 * 1024
        upload = re.search(r"location ~ \^/api/v1/reference-data\(/\|\$\) \{(.*?)\}", text, re.S)
        assert upload and f"client_max_body_size {MAX_CSV_BYTES // (1024 * 1024)}m;" in upload.group(1)

    def test_citizen_facing_resources_have_a_per_client_rate_limit(self) -> None:
        limited = _map("jiuye_citizen_client")
        assert {"registrations", "persons", "difficulty", "startup-loan", "skill-subsidy"} <= set(limited)
        assert set(limited.values()) == {"$binary_remote_addr"}
        assert "limit_req zone=citizen" in CONF.read_text()


# Live ------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stand_in(name: str) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            body = json.dumps({"service": name, "path": self.path,
                               "forwarded_for": self.headers.get("x-forwarded-for")}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


@pytest.fixture
def gateway() -> Iterator[str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("no nginx binary here (the routing-table tests above still run)")
    root = Path(tempfile.mkdtemp(prefix="jiuye-gateway-"))
    # Started as root, nginx's workers run as nobody and write large bodies under the temp paths.
    root.chmod(0o777)
    servers = {name: _stand_in(name) for name in SERVICES}
    port = _free_port()
    conf = CONF.read_text().replace("/tmp/", f"{root}/").replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("listen [::]:8080;", "")
    for name, (_, upstream_port) in servers.items():
        conf = conf.replace(f"server {name}.jiuye.svc.cluster.local:80;", f"server 127.0.0.1:{upstream_port};")
    (root / "nginx.conf").write_text(conf)
    checked = subprocess.run([nginx, "-t", "-p", str(root), "-c", str(root / "nginx.conf")],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
        for server, _ in servers.values():
            server.shutdown()
        shutil.rmtree(root, ignore_errors=True)


class TestLiveGateway:
    def test_routes_limits_and_headers(self, gateway: str) -> None:
        with httpx.Client(base_url=gateway, trust_env=False, timeout=5) as client:
            samples = _served_paths()
            for resource, service in _map("jiuye_service").items():
                answer = client.get(samples[resource][service], headers={"X-Forwarded-For": "6.6.6.6"})
                assert answer.status_code == 200 and answer.json()["service"] == service, resource
                # Set, not appended to: the caller's own header is gone.
                assert answer.json()["forwarded_for"] == "127.0.0.1"
            prefixed = client.get("/svc/followup/api/v1/jobs/42?x=1")
            assert prefixed.json() == {"service": "followup", "path": "/api/v1/jobs/42?x=1",
                                       "forwarded_for": "127.0.0.1"}
            unknown = client.get("/api/v1/jobs/42")
            assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
            big = client.post("/api/v1/registrations", content=b"x" * (DEFAULT_MAX_BODY_BYTES + 1))
            assert big.status_code == 413 and big.json()["code"] == "request.too_large"
            upload = client.put("/api/v1/reference-data/social_insurance", content=b"x" * (3 * DEFAULT_MAX_BODY_BYTES))
            assert upload.status_code == 200 and upload.json()["service"] == "registration"
            for path, service in (("/api/v1/ledger/import", "followup"),
                                  ("/api/v1/skill-subsidy/catalogue/versions/2026-01-01", "subsidy"),
                                  ("/api/v1/payment-batches/x/results/file", "subsidy"),
                                  ("/api/v1/payment-batches/x/results", "subsidy")):
                # xlsx uploads and the bank's result file: above the 1 MiB default (a 100,000-row sheet is ~8 MB).
                sent = client.post(path, content=b"x" * (9 * DEFAULT_MAX_BODY_BYTES))
                assert sent.status_code == 200 and sent.json()["service"] == service, path
            statuses = [client.post("/api/v1/difficulty/evaluate", json={}).status_code for _ in range(40)]
            # 5 a second with a burst of 20 (the routing checks above took some of it already).
            assert 429 in statuses and statuses.count(200) <= 21 and statuses[0] == 200
            limited = client.post("/api/v1/difficulty/evaluate", json={})
            assert limited.status_code == 429 and limited.json()["code"] == "request.rate_limited"
            assert client.get("/api/v1/followups/x").status_code == 200  # staff resources: not that limit
