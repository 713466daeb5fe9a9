"""Bearer-token authentication, roles and region scoping (api.md "Auth")."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Query, Request

from shared.credit_code import is_credit_code, normalize_credit_code
from shared.errors import AccessDenied, ProblemError, Violation
from shared.labels import label_zh
from shared.regions import REGION_PATTERN, is_region_code, region_contains, region_prefix
from shared.settings import PlatformSettings


class Role(StrEnum):
    """Who is calling: a citizen, agency staff, or another system."""

    CITIZEN = "citizen"
    # An employer acts only on its own vacancies: `sub` is its unified social credit code (GB 32100).
    EMPLOYER = "employer"
    CASEWORKER = "caseworker"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF_ROLES = frozenset({Role.CASEWORKER, Role.REVIEWER, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: subject, role and the region prefix it may act in."""

    sub: str
    role: Role
    region: str

    @property
    def is_staff(self) -> bool:
        """Tells whether the caller works at an agency."""
        return self.role in STAFF_ROLES

    def covers_region(self, region_code: str) -> bool:
        """Tells whether a record of this region is inside the caller's scope (T-REGION; system sees all;
        an employer's region is where it is registered, which gives it no scope over agency records)."""
        if self.role is Role.EMPLOYER:
            return False
        return self.role is Role.SYSTEM or (is_region_code(region_code) and region_contains(self.region, region_code))


def unauthorized(detail: str, detail_zh: str) -> ProblemError:
    """Returns the 401 problem."""
    return ProblemError(
        401, "auth.unauthenticated", "Unauthenticated", detail, detail_zh,
        headers={"WWW-Authenticate": "Bearer"},
    )


class Forbidden(AccessDenied):
    """The caller may not act on the record, or it does not exist in their scope: the same answer."""

    code = "auth.forbidden"
    title = "Forbidden"


class RegionOutOfScope(AccessDenied):
    """A list or report was asked for a region outside the caller's (T-REGION)."""

    code = "auth.region_out_of_scope"
    title = "Region out of scope"


def forbidden() -> Forbidden:
    """Returns the 403 error; it says the same whether or not the record exists."""
    return Forbidden(
        "You may not perform this action on this record, or it does not exist in your scope.",
        "您无权对该记录执行此操作，或该记录不在您的权限范围内。",
    )


def region_out_of_scope(principal: Principal, region: str) -> RegionOutOfScope:
    """Returns the 403 error for a list or report asked for a region outside the caller's."""
    return RegionOutOfScope(
        f"Region {region} is not inside your region {principal.region}; ask for {principal.region} or a "
        "region inside it.",
        f"区划 {region} 不在您的权限区划 {principal.region} 之内，请查询 {principal.region} 或其下级区划。",
        [Violation("T-REGION", "region", f"{region} is outside {principal.region}",
                   f"{region} 不在 {principal.region} 之内")],
    )


# The `?region=` filter of lists and reports (T-REGION); `scope_region` checks it against the caller.
RegionQuery = Annotated[str | None, Query(pattern=REGION_PATTERN, description="region code: 2, 4, 6 or 9 digits")]


def scope_region(principal: Principal, region: str | None) -> str:
    """Returns the region prefix a list or report covers (T-REGION): the asked region if it lies inside
    the caller's, else the caller's own; a system without a region sees everything (""). A region wider
    than the caller's, or beside it, is the same 403 everywhere; an employer has no region scope at all."""
    if principal.role is Role.EMPLOYER:
        raise forbidden()
    if region is None:
        return "" if principal.role is Role.SYSTEM else region_prefix(principal.region)
    if not principal.covers_region(region):
        raise region_out_of_scope(principal, region)
    return region_prefix(region)


def issue_token(
    role: str, region: str, sub: str, ttl_seconds: int = 3600, settings: PlatformSettings | None = None
) -> str:
    """Signs a token with the configured key (HS256); for development, tests and trusted systems."""
    settings = settings or PlatformSettings()
    if Role(role) is Role.EMPLOYER and not is_credit_code(sub):
        raise ValueError("an employer's sub must be its unified social credit code (GB 32100)")
    if not is_region_code(region):
        raise ValueError("region must be a 2, 4, 6 or 9 digit administrative-division code")
    if ttl_seconds > settings.max_token_ttl(role):
        raise ValueError(
            f"a {role} token may live at most {settings.max_token_ttl(role)} seconds (TOKEN_MAX_TTL_*_SECONDS)"
        )
    now = int(time.time())
    claims = {"sub": sub, "role": role, "region": region, "iat": now, "exp": now + ttl_seconds,
              "iss": settings.jwt_issuer}
    if settings.jwt_algorithm != "HS256":
        raise ValueError("issue_token signs HS256 only; RS256 tokens come from the identity provider")
    return jwt.encode(claims, settings.jwt_signing_key.get_secret_value(), algorithm="HS256")


def decode_token(token: str, settings: PlatformSettings) -> Principal:
    """Verifies a token (with the current key, or the previous one during a rotation) and returns its
    principal, or raises the 401 problem; a token living longer than its role may is refused too."""
    keys = _verification_keys(settings)
    try:
        for index, key in enumerate(keys):
            try:
                claims = jwt.decode(
                    token, key, algorithms=[settings.jwt_algorithm], issuer=settings.jwt_issuer,
                    options={"require": ["exp", "iat", "sub", "iss"]},
                )
                break
            except jwt.InvalidSignatureError:
                if index == len(keys) - 1:
                    raise
    except jwt.ExpiredSignatureError as exc:
        raise unauthorized("The token has expired.", "令牌已过期。") from exc
    except jwt.PyJWTError as exc:
        raise unauthorized("The token is invalid.", "令牌无效。") from exc
    try:
        role = Role(str(claims.get("role")))
    except ValueError as exc:
        raise unauthorized("The token has an unknown role.", "令牌中的角色无效。") from exc
    region = claims.get("region")
    if not isinstance(region, str) or not is_region_code(region):
        raise unauthorized("The token has no valid region.", "令牌中的区划代码无效。")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise unauthorized("The token has no subject.", "令牌缺少主体。")
    if role is Role.EMPLOYER:
        if not is_credit_code(sub):
            raise unauthorized(
                "An employer token's subject must be a unified social credit code (GB 32100).",
                "用人单位令牌的主体必须是统一社会信用代码（GB 32100）。",
            )
        sub = normalize_credit_code(sub)
    lifetime = claims["exp"] - claims["iat"] if all(
        isinstance(claims[c], int | float) for c in ("exp", "iat")) else None
    if lifetime is None or lifetime > settings.max_token_ttl(role.value):
        raise unauthorized(
            f"The token lives longer than a {role.value} token may ({settings.max_token_ttl(role.value)} s).",
            f"令牌有效期超过{role.value}角色允许的上限（{settings.max_token_ttl(role.value)}秒）。",
        )
    return Principal(sub=sub, role=role, region=region)


def _verification_keys(settings: PlatformSettings) -> list[str]:
    if settings.jwt_algorithm == "RS256" and settings.jwt_public_key:
        return [k for k in (settings.jwt_public_key, settings.jwt_previous_public_key) if k]
    previous = settings.jwt_previous_signing_key
    return [settings.jwt_signing_key.get_secret_value(), *([previous.get_secret_value()] if previous else [])]


class TokenCache:
    """Remembers verified tokens until they expire: clients reuse a token for many requests, and
    verifying the signature costs more CPU than most of our endpoints."""

    def __init__(self, settings: PlatformSettings, max_size: int = 10_000) -> None:
        self.settings = settings
        self.max_size = max_size
        self._entries: dict[str, tuple[Principal, float]] = {}

    def principal(self, token: str) -> Principal:
        """Returns the token's principal, verifying it unless a still-valid result is remembered."""
        now = time.time()
        hit = self._entries.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        principal = decode_token(token, self.settings)
        expires_at = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        if len(self._entries) >= self.max_size:
            self._entries.clear()
        self._entries[token] = (principal, expires_at)
        return principal


async def current_principal(request: Request) -> Principal:
    """Reads and verifies the bearer token of the request."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("A bearer token is required.", "需要提供“Bearer”访问令牌。")
    state = request.app.state
    cache: TokenCache | None = getattr(state, "token_cache", None)
    if cache is None:
        cache = state.token_cache = TokenCache(state.settings)
    principal = cache.principal(token.strip())
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Returns a dependency admitting only the given roles (403 otherwise):
    `Annotated[Principal, Depends(require_roles(Role.ADMIN))]`."""
    allowed = frozenset(roles)

    async def dependency(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise forbidden()
        return principal

    return dependency


class LevelTooLow(AccessDenied):
    """The caller's role is right but their region's level is not: province-wide data is changed only at
    the provincial level (T-REGION)."""

    code = "auth.level_insufficient"
    title = "Level insufficient"


def require_provincial(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Returns a dependency admitting the given roles only at a province's level (region `44` or `440000`),
    and systems: for what every region shares (the holiday calendar, province-wide reference data)."""
    allowed = frozenset(roles)

    async def dependency(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise forbidden()
        if principal.role is not Role.SYSTEM and len(region_prefix(principal.region)) != 2:
            raise LevelTooLow(
                f"Only a provincial {'/'.join(sorted(r.value for r in allowed - {Role.SYSTEM}))} may change "
                f"data every region shares; your region {principal.region} is below the province.",
                f"只有省级{'或'.join(label_zh(r) for r in sorted(allowed - {Role.SYSTEM}))}可以修改全省共用的数据；"
                f"您的区划 {principal.region} 低于省级。",
                [Violation("T-REGION", "region", "province-wide data needs a provincial principal",
                           "全省共用数据须由省级用户修改")],
            )
        return principal

    return dependency
