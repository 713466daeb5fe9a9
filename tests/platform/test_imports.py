"""Every module of the code can be imported first, on its own: no import cycle hides behind the order in
which the apps happen to import things (a model or schema module imported first used to find its service's
models package half-made)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = ["shared", "registration_svc", "followup_svc", "eligibility_svc", "subsidy_svc", "services"]

# The modules a cycle hides behind: those that others import for their types (models, schemas, rules, errors,
# repositories). For each: forget every module of ours, then import that one alone (third-party modules stay loaded,
# so the whole walk takes seconds, not one interpreter per module).
SCRIPT = textwrap.dedent("""
    import importlib, pkgutil, sys, traceback
    packages = sys.argv[1:]
    KINDS = {"models", "schemas", "rules", "orm", "errors", "repository"}
    names = []
    for package in packages:
        module = importlib.import_module(package)
        names.append(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, package + ".")
                  if info.name.rsplit(".", 1)[-1] in KINDS]
    ours = tuple(packages)
    failures = []
    for name in names:
        for loaded in [m for m in sys.modules if m.split(".")[0] in ours]:
            del sys.modules[loaded]
        try:
            importlib.import_module(name)
        except Exception:
            failures.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
    print(len(names))
    print("\\n".join(failures))
""")


def test_every_module_imports_first_on_its_own() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *PACKAGES], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    count, *failures = done.stdout.strip().splitlines()
    assert int(count) > 100  # the walk found the code
    assert [f for f in failures if f] == []
