"""Command line of the local system: `python -m services up | migrate | token | schedule`."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from shared.regions import REGION_PATTERN

ROLES = ("citizen", "employer", "caseworker", "reviewer", "admin", "system")
_REGION = re.compile(REGION_PATTERN)


def _region(value: str) -> str:
    if not _REGION.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an administrative-division code: "
            "use 2 (province), 4 (city), 6 (county) or 9 (town) digits"
        )
    return value


def _ttl(value: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of seconds")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    """Returns the argument parser of `python -m services`."""
    parser = argparse.ArgumentParser(
        prog="python -m services",
        description="Runs the jiuye services locally. Without DATABASE_URL / REDIS_URL it starts an "
        "embedded PostgreSQL and Redis with their data under var/.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    up = commands.add_parser(
        "up",
        help="start databases, migrations, the four APIs, their workers and the scheduler",
        description="Starts PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set), applies "
        "migrations, then the APIs (ports 8001-8004, or <NAME>_PORT), the arq workers and the cron "
        "scheduler. Ctrl-C stops everything.",
    )
    up.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated subset of registration,followup,eligibility,subsidy,scheduler",
    )
    up.add_argument("--data-dir", type=Path, help="where embedded servers keep data (default: <repo>/var)")
    up.add_argument(
        "--ready-timeout", type=float, default=60.0, metavar="SECONDS", help="wait this long for /healthz"
    )

    mig = commands.add_parser("migrate", help="apply every service's migrations and exit")
    mig.add_argument(
        "--data-dir", type=Path, help="where the embedded PostgreSQL keeps data (default: <repo>/var)"
    )

    token = commands.add_parser(
        "token", help="print a bearer token signed with the configured key (development and tests)"
    )
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--region", required=True, type=_region, help="2, 4, 6 or 9 digit region code")
    token.add_argument("--sub", help="subject (default: dev-<role>)")
    token.add_argument("--ttl", type=_ttl, default=3600, metavar="SECONDS", help="lifetime (default 3600)")
    commands.add_parser("schedule", help="print what the scheduler runs when (each job declares its schedule)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line and returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "token":
        from shared.auth import issue_token

        try:
            print(issue_token(args.role, args.region, args.sub or f"dev-{args.role}", args.ttl))
        except ValueError as exc:
            print(f"python -m services token: error: {exc}", file=sys.stderr)
            return 2
        return 0

    if args.command == "schedule":
        from services.scheduler import schedule_table

        print(schedule_table())
        return 0

    from services import launcher

    if args.command == "migrate":
        return launcher.migrate(data_dir=args.data_dir)
    return launcher.up(only=args.only, data_dir=args.data_dir, ready_timeout=args.ready_timeout)


if __name__ == "__main__":
    sys.exit(main())
