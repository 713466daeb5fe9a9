"""Decision letters a person receives on paper (告知书): printable HTML and PDF, Chinese first, one layout for every
workflow. A letter names the agency and how to reach it, the decision, the reason, the legal basis (documents by
their title and number, from the documents table) and until when the person may ask for a re-review or appeal.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from io import BytesIO

from fastapi.responses import HTMLResponse, Response
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from shared.clients.registration import AgencyContact, RegistrationClient
from shared.errors import PeerUnavailable
from shared.policy.documents import cite
from shared.wording import date_zh

logger = logging.getLogger("jiuye.letters")

# An administrative decision may be appealed (行政复议) within 60 days of the day the person learns of it
# (《中华人民共和国行政复议法》第二十条), or brought to court within 6 months (《中华人民共和国行政诉讼法》第四十六条).
ADMINISTRATIVE_REVIEW_DAYS = 60
APPEAL_SOURCE = "administrative-review-law 第二十条; administrative-litigation-law 第四十六条"


def appeal_by(issued_on: date) -> date:
    """Returns the last day of the 60 days for an administrative review counted from the day of the letter."""
    return issued_on + timedelta(days=ADMINISTRATIVE_REVIEW_DAYS)


@dataclass(frozen=True, slots=True)
class Agency:
    """Who decided and how the person reaches them; unknown parts are None (the region code is always known)."""

    region_code: str
    name: str | None = None
    telephone: str | None = None
    address: str | None = None


async def registry_contact(registration: RegistrationClient | None, region_code: str) -> AgencyContact | None:
    """Returns the agency of a region as the registration service's registry records it (its own or the nearest
    above), for the services that keep no registry of their own; None when it has none or cannot be reached,
    so that a letter is still printed (naming the agency by its region code)."""
    if registration is None:
        return None
    try:
        return await registration.agency_for(region_code)
    except PeerUnavailable:
        logger.warning("agency registry unreachable; the letter names the region code", extra={"region": region_code})
        return None


def agency_of(region_code: str, contact: AgencyContact | None) -> Agency:
    """Returns the agency a letter names: the registry's contact, else only the region code."""
    if contact is None:
        return Agency(region_code)
    return Agency(region_code, contact.name, contact.telephone, contact.address)


async def registry_agency(registration: RegistrationClient | None, region_code: str) -> Agency:
    """Returns the agency of a region for a letter, from the registration service's registry (registry_contact)."""
    return agency_of(region_code, await registry_contact(registration, region_code))


@dataclass(frozen=True, slots=True)
class DecisionLetter:
    """What a decision letter says; `remedy_zh` tells what the person may do and until when."""

    title_zh: str
    addressee: str
    decision_zh: str
    reason_zh: str
    legal_basis: str
    remedy_zh: str
    agency: Agency
    issued_on: date
    title_en: str
    summary_en: str
    rule: str


def agency_text(agency: Agency) -> str:
    """Returns the agency as a letter names it: its name, else "本机构（区划 440203）", with address and telephone."""
    name = agency.name or f"本机构（区划 {agency.region_code}）"
    parts = [name]
    if agency.address:
        parts.append(f"地址：{agency.address}")
    if agency.telephone:
        parts.append(f"联系电话：{agency.telephone}")
    return "，".join(parts)


def appeal_remedy_zh(issued_on: date) -> str:
    """Returns the administrative-review and court remedy of a decision dated `issued_on`."""
    return (f"如对本决定不服，可于{date_zh(appeal_by(issued_on))}前（含当日）依法申请行政复议，"
            f"或自收到本告知书之日起6个月内依法提起行政诉讼（依据：{cite(APPEAL_SOURCE)}）。")


def letter_html(letter: DecisionLetter) -> str:
    """Returns the letter as a printable HTML page (A4, serif, no external assets)."""
    agency = escape(agency_text(letter.agency))
    title = escape(letter.title_zh)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"Songti SC","SimSun","Noto Serif CJK SC",serif;max-width:40em;margin:2em auto;line-height:1.8}}
h1{{text-align:center;font-size:1.6em}} .sign{{text-align:right;margin-top:3em}}
@page{{size:A4;margin:2.5cm}} @media print{{body{{margin:0}} .en{{display:none}}}}</style></head>
<body>
<h1>{title}</h1>
<p>{escape(letter.addressee)}：</p>
<p>{escape(letter.decision_zh)}</p>
<p>理由：{escape(letter.reason_zh)}</p>
<p>依据：{escape(letter.legal_basis)}（{escape(letter.rule)}）</p>
<p>{escape(letter.remedy_zh)}</p>
<p>联系方式：{agency}</p>
<p class="sign">{escape(letter.agency.name or "")}<br>{date_zh(letter.issued_on)}</p>
<hr>
<p class="en" lang="en">{escape(letter.title_en)}. {escape(letter.summary_en)}
Issued {letter.issued_on.isoformat()}.</p>
</body></html>
"""


# The standard Adobe CJK font every PDF reader maps to a Song typeface it has (no font file is shipped).
PDF_FONT = "STSong-Light"


@functools.cache
def _pdf_styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("letter", fontName=PDF_FONT, fontSize=12, leading=21, wordWrap="CJK", spaceAfter=6)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=30, alignment=TA_CENTER, spaceAfter=18),
        "body": body,
        "sign": ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, spaceBefore=30),
    }


def letter_pdf(letter: DecisionLetter) -> bytes:
    """Returns the letter as an A4 PDF with the same text as letter_html (Chinese only: it is for paper)."""
    styles = _pdf_styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm,
                                 topMargin=2.5 * cm, bottomMargin=2.5 * cm, title=letter.title_zh,
                                 author=letter.agency.name or "", subject=letter.rule)
    paragraphs = [
        f"{letter.addressee}：", letter.decision_zh, f"理由：{letter.reason_zh}",
        f"依据：{letter.legal_basis}（{letter.rule}）", letter.remedy_zh, f"联系方式：{agency_text(letter.agency)}",
    ]
    signature = "<br/>".join(escape(part) for part in (letter.agency.name or "", date_zh(letter.issued_on)) if part)
    document.build([
        Paragraph(escape(letter.title_zh), styles["title"]),
        *(Paragraph(escape(text), styles["body"]) for text in paragraphs),
        Spacer(1, 12),
        Paragraph(signature, styles["sign"]),
    ])
    return buffer.getvalue()


def wants_pdf(accept: str) -> bool:
    """Tells whether a request's Accept header asks for the PDF form of a letter."""
    return "application/pdf" in accept.lower()


def letter_response(letter: DecisionLetter, accept: str, filename: str) -> Response:
    """Returns the letter as PDF when the Accept header asks for it, else as printable HTML."""
    if wants_pdf(accept):
        return Response(letter_pdf(letter), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})
    return HTMLResponse(letter_html(letter))


# The OpenAPI of a letter endpoint: both forms it answers with.
LETTER_CONTENT: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/html": {}, "application/pdf": {}},
          "description": "告知书：默认为可打印的网页（HTML）；请求头 Accept: application/pdf 时为 PDF"},
}
