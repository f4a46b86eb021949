"""What a decision says, worked out once from the record and shared by the PDF and Word files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Q

from assessments.authority import ASSOCIATION, ASSOCIATION_COLLECTIVE, body_of
from assessments.models import Decision, Revocation, State
from assessments.subjects import subject_of
from criteria.items import decision_bases
from criteria.titles import Title
from places.models import PlaceKind
from recognition.models import LegalBasis


@dataclass
class DecisionContent:
    authority_lines: list[str]
    number_line: str
    place_date: str
    subject_line: str
    issuer_line: str
    bases: list[str]
    articles: list[tuple[str, str]]
    recipients: list[str]
    signature_lines: list[str]
    signer_name: str
    annex_title: str
    annex_caption: str
    annex_header: list[str]
    annex_rows: list[list[str]] = field(default_factory=list)
    # Decree 30/2020, Appendix I: the superior body's name above the issuing body's, not
    # bold (the issuing body's lines, `authority_lines`, are bold); none when there is none.
    superior_lines: list[str] = field(default_factory=list)
    # The annex's column widths as shares of the text width; () for the usual ones.
    annex_widths: tuple[float, ...] = ()


class Signed(Protocol):
    """What the heading and the signature of a decision are made of (a recognition or a
    revocation decision)."""

    authority: str
    signer_title: str
    sign_form: str


def authority_lines(authority: str) -> list[str]:
    """The issuing body's name as printed in a heading: upper case, on its usual two lines."""
    upper = authority.upper()
    for prefix in ("ỦY BAN NHÂN DÂN", "HỘI KHUYẾN HỌC"):
        if upper.startswith(prefix + " "):
            return [prefix, upper[len(prefix) + 1 :]]
    for place in (" TỈNH ", " THÀNH PHỐ "):
        if upper.startswith("SỞ ") and place in upper:
            cut = upper.index(place)
            return [upper[:cut], upper[cut + 1 :]]
    if upper.startswith("SỞ "):
        words = upper.split(" ")
        cut = len(words) - 2 if len(words) > 4 else len(words)
        return [" ".join(words[:cut]), " ".join(words[cut:])] if cut < len(words) else [upper]
    return [upper]


def superior_lines(superior: str) -> list[str]:
    """The superior body's name as printed: upper case; "Ủy ban nhân dân" abbreviated
    "UBND", as Decree 30/2020 (Appendix I) allows in this line, so that it fits on one
    line; an association's name on two lines, as the issuing body's."""
    upper = superior.strip().upper()
    prefix = "ỦY BAN NHÂN DÂN "
    if upper.startswith(prefix):
        return ["UBND " + upper[len(prefix) :]]
    return authority_lines(upper) if upper else []


def _head_title(signer_title: str) -> str:
    """ "Phó Chủ tịch" signs for the "Chủ tịch" (KT.): the head's title."""
    title = signer_title.strip()
    return title[4:] if title.lower().startswith("phó ") else title


def _collective(decision: Signed) -> str:
    """The collective body one signs for (TM.): the committee, or an association's
    executive committee (its statute: "TM. BAN CHẤP HÀNH")."""
    if body_of(decision.authority) == ASSOCIATION:
        return ASSOCIATION_COLLECTIVE.upper()
    return authority_lines(decision.authority)[0]


def _issuer(decision: Signed) -> str:
    """The line above the grounds: who decides ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …", "BAN CHẤP
    HÀNH HỘI KHUYẾN HỌC XÃ …")."""
    authority_upper = decision.authority.upper()
    if decision.sign_form == "TM.":
        if body_of(decision.authority) == ASSOCIATION:
            return f"{ASSOCIATION_COLLECTIVE.upper()} {authority_upper}"
        return authority_upper
    return f"{_head_title(decision.signer_title).upper()} {authority_upper}"


def _proposer(decision: Decision | Revocation) -> str:
    place = decision.authority_place
    if body_of(decision.authority) == ASSOCIATION:
        return f"Thường trực {decision.authority}"
    return (
        f"Hội Khuyến học {place.name}"
        if place.kind != PlaceKind.PROVINCE
        else "Hội Khuyến học tỉnh"
    )


def _executors(decision: Decision | Revocation, proposer: str) -> str:
    """Who carries the decision out (its last article), before the subjects."""
    if body_of(decision.authority) == ASSOCIATION:
        return f"{proposer}, các chi hội khuyến học"
    return f"Văn phòng {decision.authority}, {proposer}"


def build_signature(decision: Signed) -> list[str]:
    """The lines above the signer's name: "TM. …", "KT. …" or the title alone."""
    head = _head_title(decision.signer_title).upper()
    if decision.sign_form == "TM.":
        return [f"TM. {_collective(decision)}", decision.signer_title.upper()]
    if decision.sign_form == "KT.":
        return [f"KT. {head}", decision.signer_title.upper()]
    return [decision.signer_title.upper()]


def build(decision: Decision) -> DecisionContent:
    place = decision.authority_place
    is_province = place.kind == PlaceKind.PROVINCE
    recognised = list(
        decision.assessments.filter(state__in=[State.RECOGNISED, State.REVOKED])
        .select_related(
            "village", "commune", "household__head", "citizen", "clan__head", "organisation"
        )
        .order_by("village__name", "subject_name", "id")
    )
    subject = subject_of(decision.title)
    columns = [h for h in subject.annex_columns if h]
    title_label = str(Title(decision.title).label)
    short_place = place.short_name
    signed = decision.signed_on
    issuer = _issuer(decision)
    signature = build_signature(decision)
    level = "province" if is_province else "commune"
    bases = [
        b.text
        for b in LegalBasis.objects.filter(
            Q(level="") | Q(level=level), Q(title="") | Q(title=decision.title)
        )
        .filter(Q(body="") | Q(body=body_of(decision.authority)))
        .filter(year_from__lte=decision.year)
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=decision.year))
    ]
    # The criteria sets' official documents and the provincial documents adopting their
    # proposals: never a set's internal note (criteria.items.decision_bases).
    sets = {a.criteria_set for a in decision.assessments.select_related("criteria_set")}
    for criteria_set in sorted(sets, key=lambda s: (s.family, s.version)):
        bases += [line for line in decision_bases(criteria_set) if line not in bases]
    proposer = _proposer(decision)
    bases.append(f"Xét đề nghị của {proposer} và kết quả bình xét năm {decision.year}.")
    valid_until = max((a.valid_until for a in recognised if a.valid_until), default=None)
    plural = subject.plural
    articles = [
        (
            "Điều 1.",
            f"Công nhận danh hiệu “{title_label}” năm {decision.year} cho {len(recognised)} {plural} có tên trong danh sách kèm theo Quyết định này.",
        ),
        (
            "Điều 2.",
            "Quyết định này có hiệu lực kể từ ngày ký."
            + (
                f" Danh hiệu có giá trị đến hết ngày {valid_until:%d/%m/%Y}." if valid_until else ""
            ),
        ),
        (
            "Điều 3.",
            f"{_executors(decision, proposer)}, các cơ quan, đơn vị có liên quan và các {plural} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]
    return DecisionContent(
        authority_lines=authority_lines(decision.authority),
        number_line=f"Số: {decision.number}",
        place_date=f"{short_place}, ngày {signed.day:02d} tháng {signed.month:02d} năm {signed.year}",
        subject_line=f"Về việc công nhận danh hiệu “{title_label}” năm {decision.year}",
        issuer_line=issuer,
        bases=bases,
        articles=articles,
        recipients=["Như Điều 3;", "Hội Khuyến học tỉnh;", "Lưu: VT."],
        signature_lines=signature,
        signer_name=decision.signer_name,
        annex_title=f"DANH SÁCH {plural.upper()} ĐƯỢC CÔNG NHẬN DANH HIỆU “{title_label.upper()}” NĂM {decision.year}",
        annex_caption=f"(Kèm theo Quyết định số {decision.number} ngày {signed:%d/%m/%Y} của {decision.authority})",
        annex_header=columns,
        annex_rows=[
            [str(i), *subject.annex_row(a)][: len(columns)]
            for i, a in enumerate(recognised, start=1)
        ],
        superior_lines=superior_lines(decision.superior),
    )


def _configured_bases(level: str, title: str, year: int, body: str) -> list[str]:
    """The province's "Căn cứ" lines for one level, title, year and kind of body."""
    return [
        b.text
        for b in LegalBasis.objects.filter(
            Q(level="") | Q(level=level), Q(title="") | Q(title=title)
        )
        .filter(Q(body="") | Q(body=body))
        .filter(year_from__lte=year)
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
    ]


# The revocation annex: TT, the subject, where it is, the certificate's code (two lines).
REVOCATION_ANNEX_WIDTHS = (0.07, 0.33, 0.22, 0.38)


def _code_lines(code: str) -> str:
    groups = code.split("-")
    return "-".join(groups[:4]) + ("\n" + "-".join(groups[4:]) if groups[4:] else "")


def build_revocation(revocation: Revocation) -> DecisionContent:
    """A revocation decision in the same layout as a recognition decision: the titles it
    revokes and their certificates in its annex, the recognition decisions among its grounds."""
    place = revocation.authority_place
    revoked = list(
        revocation.assessments.select_related(
            "village",
            "commune",
            "household__head",
            "citizen",
            "clan__head",
            "organisation",
            "decision",
            "certificate",
        ).order_by("village__name", "subject_name", "id")
    )
    subject = subject_of(revocation.title)
    title_label = str(Title(revocation.title).label)
    plural = subject.plural
    signed = revocation.signed_on
    level = "province" if place.kind == PlaceKind.PROVINCE else "commune"
    bases = _configured_bases(
        level, revocation.title, revocation.year, body_of(revocation.authority)
    )
    decisions = sorted(
        {a.decision for a in revoked if a.decision is not None},
        key=lambda d: (d.signed_on, d.pk),
    )
    bases += [
        f"Căn cứ Quyết định số {d.number} ngày {d.signed_on.day:02d} tháng {d.signed_on.month:02d} "
        f"năm {d.signed_on.year} của {d.authority} về việc công nhận danh hiệu “{title_label}” "
        f"năm {d.year};"
        for d in decisions
    ]
    proposer = _proposer(revocation)
    bases.append(
        f"Xét đề nghị của {proposer} về việc thu hồi danh hiệu “{title_label}” năm {revocation.year}."
    )
    reason = revocation.reason.strip().rstrip(".;")
    articles = [
        (
            "Điều 1.",
            f"Thu hồi danh hiệu “{title_label}” năm {revocation.year} đã công nhận cho {len(revoked)} {plural} có tên trong danh sách kèm theo Quyết định này. Lý do: {reason}.",
        ),
        (
            "Điều 2.",
            f"Giấy công nhận đã cấp cho các {plural} tại Điều 1 (mã giấy ghi trong danh sách kèm theo) không còn giá trị. Quyết định này có hiệu lực kể từ ngày ký.",
        ),
        (
            "Điều 3.",
            f"{_executors(revocation, proposer)}, các cơ quan, đơn vị có liên quan và các {plural} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]
    columns = list(subject.annex_columns)
    where = max(i for i, name in enumerate(columns) if name)  # the last column it fills
    rows = []
    for i, assessment in enumerate(revoked, start=1):
        values = subject.annex_row(assessment)
        certificate = getattr(assessment, "certificate", None)
        code = _code_lines(certificate.display_code) if certificate is not None else "—"
        rows.append([str(i), values[0], values[where - 1], code])
    return DecisionContent(
        authority_lines=authority_lines(revocation.authority),
        number_line=f"Số: {revocation.number}",
        place_date=f"{place.short_name}, ngày {signed.day:02d} tháng {signed.month:02d} năm {signed.year}",
        subject_line=f"Về việc thu hồi danh hiệu “{title_label}” năm {revocation.year}",
        issuer_line=_issuer(revocation),
        bases=bases,
        articles=articles,
        recipients=["Như Điều 3;", "Hội Khuyến học tỉnh;", "Lưu: VT."],
        signature_lines=build_signature(revocation),
        signer_name=revocation.signer_name,
        annex_title=f"DANH SÁCH {plural.upper()} BỊ THU HỒI DANH HIỆU “{title_label.upper()}” NĂM {revocation.year}",
        annex_caption=f"(Kèm theo Quyết định số {revocation.number} ngày {signed:%d/%m/%Y} của {revocation.authority})",
        annex_header=[columns[0], columns[1], columns[where], "Mã giấy công nhận"],
        annex_rows=rows,
        superior_lines=superior_lines(revocation.superior),
        annex_widths=REVOCATION_ANNEX_WIDTHS,
    )
