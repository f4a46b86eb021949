"""What a decision says, worked out once from the record and shared by the PDF and Word files."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from assessments.models import Decision, State
from assessments.subjects import subject_of
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


def _authority_lines(authority: str) -> list[str]:
    upper = authority.upper()
    prefix = "ỦY BAN NHÂN DÂN"
    if upper.startswith(prefix + " "):
        return [prefix, upper[len(prefix) + 1 :]]
    if upper.startswith("SỞ "):
        words = upper.split(" ")
        cut = len(words) - 2 if len(words) > 4 else len(words)
        return [" ".join(words[:cut]), " ".join(words[cut:])] if cut < len(words) else [upper]
    return [upper]


def _head_title(signer_title: str) -> str:
    """ "Phó Chủ tịch" signs for the "Chủ tịch" (KT.): the head's title."""
    title = signer_title.strip()
    return title[4:] if title.lower().startswith("phó ") else title


def build_signature(decision: Decision) -> list[str]:
    """The lines above the signer's name: "TM. …", "KT. …" or the title alone."""
    head = _head_title(decision.signer_title).upper()
    if decision.sign_form == "TM.":
        return [f"TM. {_authority_lines(decision.authority)[0]}", decision.signer_title.upper()]
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
    authority_upper = decision.authority.upper()
    head = _head_title(decision.signer_title).upper()
    issuer = authority_upper if decision.sign_form == "TM." else f"{head} {authority_upper}"
    signature = build_signature(decision)
    level = "province" if is_province else "commune"
    bases = [
        b.text
        for b in LegalBasis.objects.filter(
            Q(level="") | Q(level=level), Q(title="") | Q(title=decision.title)
        )
        .filter(year_from__lte=decision.year)
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=decision.year))
    ]
    sets = {a.criteria_set.legal_basis for a in decision.assessments.select_related("criteria_set")}
    bases += [f"Căn cứ {basis.rstrip('.;')};" for basis in sorted(sets)]
    proposer = f"Hội Khuyến học {place.name}" if not is_province else "Hội Khuyến học tỉnh"
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
            f"Văn phòng {decision.authority}, {proposer}, các cơ quan, đơn vị có liên quan và các {plural} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]
    return DecisionContent(
        authority_lines=_authority_lines(decision.authority),
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
    )
