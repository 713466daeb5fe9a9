"""The rejection notice (不予认定就业困难人员告知书) as printable HTML (api.md "Documents")."""

from __future__ import annotations

from html import escape

from eligibility_svc.certification.schemas import RejectionNoticeRead


def rejection_html(notice: RejectionNoticeRead) -> str:
    """Returns the printable notice: who, why, and until when a re-review may be asked for."""
    name, region = escape(notice.applicant_name), escape(notice.agency_region_code)
    reason_zh, reason = escape(notice.reason_zh), escape(notice.reason)
    issued, by = notice.issued_on, notice.rereview_by
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>不予认定就业困难人员告知书</title>
<style>body{{font-family:serif;max-width:40em;margin:2em auto;line-height:1.8}}
@media print{{body{{margin:0}}}}</style></head>
<body>
<h1>不予认定就业困难人员告知书</h1>
<p>{name}：</p>
<p>您于本机构（区划 {region}）提出的就业困难人员认定申请，经审核，不予认定。</p>
<p>理由：{reason_zh}</p>
<p>如对本决定有异议，可于 {by.isoformat()} 前（含当日）向本机构申请复核。</p>
<p>规则：{escape(notice.rule)}；依据：{escape(notice.source)}</p>
<p>告知日期：{issued.isoformat()}</p>
<hr>
<p lang="en">Notice of refusal of employment-difficulty certification. Reason: {reason}.
You may ask for re-review until {by.isoformat()} (inclusive). Issued {issued.isoformat()}.</p>
</body></html>
"""
