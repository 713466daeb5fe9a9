"""Runs a worker (or the scheduler) that survives Redis outages: `python -m services.run_worker DOTTED.WorkerSettings`.

Production and `services up` start workers through this module rather than the `arq` command, whose worker
exits when Redis goes away; `arq --check DOTTED.WorkerSettings` remains the liveness probe.
"""

from __future__ import annotations

import importlib
import logging.config
import sys
from collections.abc import Sequence

from arq.logs import default_log_config

from shared.worker_runtime import run_resilient_worker


def load_settings(dotted: str) -> type:
    """Returns the WorkerSettings class named by "package.module.Name"."""
    module_name, _, attribute = dotted.rpartition(".")
    if not module_name:
        raise SystemExit(f"expected a dotted path such as services.registration.worker.WorkerSettings, got {dotted!r}")
    settings = getattr(importlib.import_module(module_name), attribute, None)
    if not isinstance(settings, type):
        raise SystemExit(f"{dotted} is not a WorkerSettings class")
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the worker named on the command line until SIGINT or SIGTERM."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m services.run_worker DOTTED.WorkerSettings", file=sys.stderr)
        return 2
    # arq's own log set-up until the worker's startup installs ours (the first Redis wait logs before it).
    logging.config.dictConfig(default_log_config(False))
    run_resilient_worker(load_settings(args[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
