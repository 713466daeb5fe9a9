"""The table of documents the rules and packs cite (documents.toml), and how a citation is shown."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType

from shared.codes import is_ascii_digits

DOCUMENTS_FILE = Path(__file__).with_name("documents.toml")

# "001 §一(四)2": the team's seed-file shorthand, shown as the document it stands for.
_SEED_REFERENCE = re.compile(r"(?<![0-9])([0-9]{3}) §\s*")
_SEPARATOR = re.compile(r"\s*[;；]\s*")


@dataclass(frozen=True, slots=True)
class Document:
    """A published document (or a named local practice) that rules and parameters rest on."""

    key: str
    title: str
    number: str
    issuer: str
    issued_on: date | None
    region: str
    seeds: tuple[str, ...]
    kind: str = "document"

    @property
    def label(self) -> str:
        """Returns how a citation names it: the document number, else the title in 《》."""
        if self.number:
            return self.number
        return self.title if self.kind == "practice" else f"《{self.title}》"

    @property
    def full_name(self) -> str:
        """Returns the title and number as a letter cites a legal basis: 《title》（number）."""
        if self.kind == "practice":
            return self.title
        if not self.title:
            return self.number
        return f"《{self.title}》（{self.number}）" if self.number else f"《{self.title}》"

    def binds(self, region_prefix: str) -> bool:
        """Tells whether the document applies in a region (national ones apply everywhere)."""
        return region_prefix.startswith(self.region) or self.region.startswith(region_prefix)


class DocumentTableError(ValueError):
    """documents.toml is malformed."""


def _load(path: Path) -> dict[str, Document]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    documents: dict[str, Document] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            raise DocumentTableError(f"{key}: each document is a table")
        unknown = set(entry) - {"title", "number", "issuer", "issued_on", "region", "seed", "kind"}
        if unknown:
            raise DocumentTableError(f"{key}: unknown keys {sorted(unknown)}")
        title, number = entry.get("title", ""), entry.get("number", "")
        if not isinstance(title, str) or not isinstance(number, str) or not (title or number):
            raise DocumentTableError(f"{key}: needs a title or a number")
        issued_on = entry.get("issued_on")
        if issued_on is not None and type(issued_on) is not date:
            raise DocumentTableError(f"{key}: issued_on must be a TOML date")
        region = entry.get("region", "")
        if not isinstance(region, str) or (region and not is_ascii_digits(region)):
            raise DocumentTableError(f"{key}: region must be a region code or empty")
        seeds = entry.get("seed", [])
        if not isinstance(seeds, list) or not all(isinstance(s, str) for s in seeds):
            raise DocumentTableError(f"{key}: seed must be a list of strings")
        documents[key] = Document(
            key, title, number, str(entry.get("issuer", "")), issued_on, region, tuple(seeds),
            str(entry.get("kind", "document")),
        )
    return documents


@cache
def documents() -> Mapping[str, Document]:
    """Returns the table of documents by key, loaded once."""
    return MappingProxyType(_load(DOCUMENTS_FILE))


@cache
def _by_seed() -> Mapping[str, Document]:
    return MappingProxyType({seed: doc for doc in documents().values() for seed in doc.seeds})


def document(key: str) -> Document:
    """Gets a document by its key (KeyError naming it when the table has none)."""
    return documents()[key]


def _part(part: str) -> tuple[str, Document | None]:
    key, _, clause = part.partition(" ")
    found = documents().get(key)
    if found is None:
        seed = _SEED_REFERENCE.match(part)
        if seed is None or seed.group(1) not in _by_seed():
            return part, None
        found, clause = _by_seed()[seed.group(1)], part[seed.end():]
    clause = clause.strip()
    if not clause:
        return found.label, found
    # 《…》一(四)2 reads as one phrase; a number needs the space: 甘人社通〔2020〕111号 五.
    return (f"{found.label}{clause}" if found.label.endswith("》") else f"{found.label} {clause}"), found


def cited_documents(reference: str) -> tuple[Document | None, ...]:
    """Returns the document each part of a citation names (None for a part naming none)."""
    return tuple(_part(part)[1] for part in _SEPARATOR.split(reference.strip()) if part)


def _seed_label(seed: str) -> str:
    label = _by_seed()[seed].label
    return label if label.endswith("》") else f"{label} "


@lru_cache(maxsize=4096)
def cite(reference: str) -> str:
    """Returns a citation as people read it: each "; "-separated part that starts with a document key
    or a seed number is written with the document's number or title, the rest kept as written.

    "shaoguan-plan 一(四)2" -> "《韶关市登记失业人员跟踪服务工作方案》一(四)2";
    "002 §五(三)" -> "甘人社通〔2020〕111号 五(三)"; "001 §六(一); T-AGE" -> "《…》六(一)；T-AGE".
    """
    parts = [_part(part)[0] for part in _SEPARATOR.split(reference.strip()) if part]
    # A seed number inside a part's text ("difficulty category x (001 §六(一)3, 003 §三(一))") too.
    return "；".join(cite_inline(part) for part in parts)


@lru_cache(maxsize=4096)
def cite_inline(text: str) -> str:
    """Returns a text with every seed number in it ("(REG-ID, 002 §三)") written as its document."""
    return _SEED_REFERENCE.sub(lambda m: _seed_label(m.group(1)) if m.group(1) in _by_seed() else m.group(0), text)
