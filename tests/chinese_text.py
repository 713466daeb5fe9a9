"""Collects every Chinese text the suite produces (rule results, problem details, violations) and fails the
run when one holds an ASCII code word ("注销原因 hired", "字段 person.name 无效：Field required").

Registered from tests/conftest.py; the check runs once at the end of the session over what the tests that
ran produced, so a new rule or error is checked as soon as a test exercises it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

# A code word: an ASCII word with lower-case letters (snake_case, a dotted field path, English prose)
# inside a Chinese text. All-capital rule IDs (REG-ID, ELIG-AGE), standard names (GB 11643-1999,
# ISO 7064, LPR, UUID) and numbers are fine.
CODE_WORD = re.compile(
    r"(?<![A-Za-z0-9_.\-/])(?:[a-z][a-z0-9_]*[a-z0-9](?:\.[a-z_][a-z0-9_]*)*|[A-Z][a-z][A-Za-z]*)(?![A-Za-z0-9_])"
)
HAN = re.compile(r"[\u4e00-\u9fff]")
# What a person must type or read as it is written: an identifier quoted “like_this”, a document 《…》.
QUOTED = re.compile(r"“[^”]*”|《[^》]*》")

_seen: dict[str, str] = {}


def code_words(text: str) -> list[str]:
    """Returns the ASCII code words inside a Chinese text (none for a text without Chinese)."""
    if not HAN.search(text):
        return []
    return CODE_WORD.findall(QUOTED.sub("", text))


def record(origin: str, text: object) -> None:
    """Remembers a Chinese text the code produced, with where it came from."""
    if isinstance(text, str) and text and text not in _seen:
        _seen[text] = origin


def _wrap_post_init(cls: type, fields: tuple[str, ...]) -> None:
    original: Callable[[Any], None] | None = getattr(cls, "__post_init__", None)

    def post_init(self: Any) -> None:
        if original is not None:
            original(self)
        for name in fields:
            record(f"{cls.__module__}.{cls.__qualname__}.{name}", getattr(self, name))

    cls.__post_init__ = post_init  # type: ignore[attr-defined]


def _wrap_init(cls: type, fields: tuple[str, ...]) -> None:
    """For a class without __post_init__ (a dataclass calls only the one it had when it was made)."""
    original: Callable[..., None] = cls.__init__  # type: ignore[misc]

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for name in fields:
            record(f"{cls.__module__}.{cls.__qualname__}.{name}", getattr(self, name))

    cls.__init__ = init  # type: ignore[misc]


def install() -> None:
    """Wraps the places every Chinese text passes through."""
    from eligibility_svc.certification.rules import FactUsed
    from eligibility_svc.difficulty.rules import CategoryResult
    from followup_svc.assistance.rules import Requirement
    from followup_svc.ledger.rules import DeregistrationRequest
    from followup_svc.survey.rules import ClassifyResult
    from registration_svc.notification.templates import Message
    from registration_svc.verification.findings import VerificationFinding
    from shared.errors import ProblemError
    from shared.explain import RuleResult
    from shared.matching import MatchReason
    from shared.spreadsheets import RowError
    from subsidy_svc.claims.rules import AllowanceDecision

    _wrap_post_init(RuleResult, ("reason_zh",))
    _wrap_post_init(CategoryResult, ("reason_zh",))
    _wrap_post_init(VerificationFinding, ("detail_zh",))
    for cls, fields in ((ClassifyResult, ("reason_zh",)), (Requirement, ("reason_zh",)), (FactUsed, ("reason_zh",)),
                        (DeregistrationRequest, ("why_zh",)), (AllowanceDecision, ("reason_zh",)),
                        (RowError, ("message_zh",)), (MatchReason, ("reason_zh",)), (Message, ("text_zh",))):
        _wrap_init(cls, fields)
    body = ProblemError.body

    def recording_body(self: ProblemError, instance: str | None = None) -> dict[str, Any]:
        record(f"problem {self.code} detail_zh", self.detail_zh)
        for violation in self.violations:
            record(f"problem {self.code} violation {violation.rule} {violation.field}", violation.message_zh)
        return body(self, instance)

    ProblemError.body = recording_body  # type: ignore[method-assign]


def offenders() -> list[tuple[str, str, list[str]]]:
    """Returns (origin, text, code words) for every recorded Chinese text holding code words."""
    return [(origin, text, words) for text, origin in _seen.items() if (words := code_words(text))]


def recorded_count() -> int:
    """Returns how many distinct texts were recorded."""
    return len(_seen)


def report(session: pytest.Session) -> None:
    """Fails the session, listing them, when a Chinese text holds a code word."""
    found = offenders()
    if not found:
        return
    if session.items and all(item.nodeid.startswith("tests/contract/") for item in session.items):
        # The contract step (schemathesis) sends generated values, and a refusal quotes the value it refused:
        # its texts hold whatever the fuzzer wrote. Their wording is checked by the suite's own tests.
        return
    lines = [f"{len(found)} Chinese text(s) hold ASCII code words (of {recorded_count()} recorded):"]
    lines += [f"  {origin}: {words} in {text!r}" for origin, text, words in found[:200]]
    session.config.pluginmanager.get_plugin("terminalreporter").write_line("\n".join(lines), red=True)  # type: ignore[union-attr]
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
