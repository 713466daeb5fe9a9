"""The catalogue's use cases: read the version in force, load a version from xlsx, edit one entry."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role
from shared.codes import OCCUPATION_CODE
from shared.regions import region_prefix
from shared.spreadsheets import (
    Column,
    ImportRead,
    RowError,
    Template,
    add_row_error,
    import_read,
    int_cell,
    read_xlsx,
    rows_to_import,
)
from shared.wording import date_zh
from subsidy_svc.catalogue import repository
from subsidy_svc.catalogue.errors import CatalogueEntryNotFound, NotProvinceAdmin
from subsidy_svc.catalogue.models import CatalogueEntry, CatalogueVersion
from subsidy_svc.catalogue.schemas import CatalogueEntryUpdate, CatalogueItemRead, CatalogueRead
from subsidy_svc.skill_subsidy.catalogue import LEVELS, CatalogueHit, NotInCatalogue, Occupation

# The published catalogue's layout: amounts are whole yuan there; they are kept in fen.
CATALOGUE_TEMPLATE = Template(
    "职业技能提升培训补贴目录",
    (
        Column("occupation_code", "职业编码"),
        Column("occupation_name_zh", "职业（工种）名称", width=24),
        Column("occupation_name", "英文名称", required=False, width=24),
        Column("level", "技能等级", int_cell),
        Column("amount_yuan", "补贴标准（元）", int_cell),
        Column("source", "依据", required=False, width=30),
    ),
)


def authorize_edit(principal: Principal) -> None:
    """Admits an admin of a province (region `44` or `440000`, as for the calendar) or a system; 403 otherwise."""
    if principal.role is Role.SYSTEM or (principal.role is Role.ADMIN and len(region_prefix(principal.region)) == 2):
        return
    raise NotProvinceAdmin(
        "Only an admin of a province loads or edits the skill-subsidy catalogue.",
        "仅省级管理员可导入或修改职业技能提升培训补贴目录。",
    )


def _item(entry: CatalogueEntry) -> CatalogueItemRead:
    return CatalogueItemRead.model_validate(entry)


async def read(session: AsyncSession, on: date) -> CatalogueRead:
    """Returns the catalogue in force on a date (empty before the first version)."""
    version = await repository.version_in_force(session, on)
    if version is None:
        return CatalogueRead(on=on, version_effective_from=None, version_name=None, items=[])
    rows = await repository.entries(session, version.effective_from)
    return CatalogueRead(
        on=on, version_effective_from=version.effective_from, version_name=version.name,
        items=[_item(row) for row in rows],
    )


async def lookup(
    session: AsyncSession, on: date, occupation_code: str, level: int
) -> tuple[CatalogueVersion | None, CatalogueEntry | None]:
    """Returns the version in force on a date and its entry for the occupation and level (None if absent)."""
    version = await repository.version_in_force(session, on)
    if version is None:
        return None, None
    return version, await repository.entry(session, version.effective_from, occupation_code, level)


async def priced(
    session: AsyncSession, on: date, occupation_code: str, level: int, source: str
) -> CatalogueHit | NotInCatalogue:
    """Returns the amount of an occupation and level in the catalogue in force on a date (the certificate's
    issue date, as a claim is priced), or why it is not there; `source` is cited when no version is."""
    version, entry = await lookup(session, on, occupation_code, level)
    if version is None or entry is None:
        return NotInCatalogue(
            occupation_code, level,
            f"occupation {occupation_code} level {level} is not in the catalogue in force on {on}",
            f"职业“{occupation_code}”等级{level}不在{date_zh(on)}有效的补贴目录内",
            version.source if version is not None else source,
        )
    occupation = Occupation(occupation_code, entry.occupation_name, entry.occupation_name_zh,
                            {level: entry.amount_fen}, entry.source)
    return CatalogueHit(occupation, level, entry.amount_fen, entry.source)


def _check_row(sheet_row: int, row: dict[str, object]) -> list[RowError]:
    errors: list[RowError] = []
    code = str(row.get("occupation_code", ""))
    if not OCCUPATION_CODE.fullmatch(code):
        errors.append(RowError(sheet_row, "职业编码", "SUB-CATALOGUE", f"{code!r} is not a code like 4-03-02-01",
                               f"“{code}”不是形如 4-03-02-01 的职业编码"))
    level = row.get("level")
    if level not in LEVELS:
        errors.append(RowError(sheet_row, "技能等级", "SUB-CATALOGUE", f"level {level!r} is not 1 to 5",
                               f"等级“{level}”不在1至5之间"))
    amount = row.get("amount_yuan")
    if not isinstance(amount, int) or not 0 < amount <= 1_000_000:
        errors.append(RowError(sheet_row, "补贴标准（元）", "SUB-CATALOGUE",
                               f"amount {amount!r} must be a whole number of yuan from 1 to 1000000",
                               f"补贴标准“{amount}”须为1至1000000的整数元"))
    return errors


async def import_version(
    session: AsyncSession, principal: Principal, effective_from: date, content: bytes, *,
    name: str, source: str, partial: bool,
) -> ImportRead:
    """Loads a version from the published xlsx, replacing that date's version if it exists (all or nothing
    unless partial); an occupation and level listed twice is refused on its second row."""
    authorize_edit(principal)
    sheet = read_xlsx(CATALOGUE_TEMPLATE, content)
    seen: dict[tuple[str, object], int] = {}
    for sheet_row, row in sheet.rows:
        for error in _check_row(sheet_row, row):
            add_row_error(sheet, error)
        key = (str(row.get("occupation_code")), row.get("level"))
        if key in seen:
            add_row_error(sheet, RowError(sheet_row, "职业编码", "SUB-CATALOGUE",
                                          f"occupation and level already listed on row {seen[key]}",
                                          f"该职业和等级已在第 {seen[key]} 行列出"))
        else:
            seen[key] = sheet_row
    rows = rows_to_import(sheet, partial=partial)
    if not rows:
        return import_read(sheet, 0)
    await repository.lock_catalogue(session)
    version = await repository.get_version(session, effective_from)
    if version is None:
        session.add(CatalogueVersion(effective_from=effective_from, name=name, source=source, loaded_by=principal.sub))
    else:
        version.name, version.source, version.loaded_by = name, source, principal.sub
    await session.flush()
    values = [
        {
            "occupation_code": str(row["occupation_code"]),
            "level": int(str(row["level"])),
            "occupation_name_zh": str(row["occupation_name_zh"]),
            "occupation_name": str(row.get("occupation_name") or row["occupation_name_zh"]),
            "amount_fen": int(str(row["amount_yuan"])) * 100,
            "source": str(row.get("source") or source),
        }
        for _, row in rows
    ]
    await repository.replace_entries(session, effective_from, values)
    return import_read(sheet, len(values))


async def _version_for_edit(session: AsyncSession, principal: Principal, effective_from: date) -> None:
    """Makes sure a version of that date exists, as a copy of the one in force the day before if new."""
    authorize_edit(principal)
    await repository.lock_catalogue(session)
    if await repository.get_version(session, effective_from) is not None:
        return
    previous = await repository.version_in_force(session, effective_from - timedelta(days=1))
    session.add(CatalogueVersion(
        effective_from=effective_from,
        name=previous.name if previous else "职业技能提升培训补贴目录",
        source=f"edited from the version of {previous.effective_from.isoformat()}" if previous else "edited",
        loaded_by=principal.sub,
    ))
    await session.flush()
    if previous is not None:
        copied = [
            {c.key: getattr(row, c.key) for c in CatalogueEntry.__table__.columns if c.key != "effective_from"}
            for row in await repository.entries(session, previous.effective_from)
        ]
        await repository.replace_entries(session, effective_from, copied)


async def set_entry(
    session: AsyncSession, principal: Principal, effective_from: date, occupation_code: str, level: int,
    body: CatalogueEntryUpdate,
) -> CatalogueItemRead:
    """Sets one occupation and level of a version, creating the version from the one before if needed."""
    await _version_for_edit(session, principal, effective_from)
    entry = await repository.entry(session, effective_from, occupation_code, level)
    if entry is None:
        entry = CatalogueEntry(effective_from=effective_from, occupation_code=occupation_code, level=level)
        session.add(entry)
    entry.occupation_name = body.occupation_name
    entry.occupation_name_zh = body.occupation_name_zh
    entry.amount_fen = body.amount_fen
    entry.source = body.source
    await session.flush()
    return _item(entry)


async def delete_entry(
    session: AsyncSession, principal: Principal, effective_from: date, occupation_code: str, level: int
) -> None:
    """Takes an occupation and level out of a version (from that date on); 404 if the version lacks it."""
    await _version_for_edit(session, principal, effective_from)
    entry = await repository.entry(session, effective_from, occupation_code, level)
    if entry is None:
        raise CatalogueEntryNotFound(
            f"The catalogue of {effective_from.isoformat()} has no {occupation_code} level {level}.",
            f"{date_zh(effective_from)}版目录中没有职业“{occupation_code}”等级{level}。",
        )
    await session.delete(entry)
    await session.flush()
