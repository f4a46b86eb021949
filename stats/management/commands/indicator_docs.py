"""Write docs/indicators.md from the indicator definitions (stats/data/indicators.toml) and
the plan's targets (stats/data/targets.toml) — the same data the code reads.

python manage.py indicator_docs            # (re)write the file
python manage.py indicator_docs --check    # fail if the committed file differs
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stats.definitions import DEFINITIONS, Definition
from stats.indicator_views import TARGET_CELLS, figure_label
from stats.models import TargetSource

OUT = Path(settings.BASE_DIR) / "docs" / "indicators.md"
TARGETS = Path(__file__).resolve().parents[2] / "data" / "targets.toml"


def _percent(value: float) -> str:
    return f"{value}%".replace(".", ",")


def _targets() -> tuple[dict[tuple[str, int, str], str], dict[str, list[tuple[str, str]]]]:
    """(targets by (indicator, year, source), 2020 baselines by indicator: (territory, value))."""
    data = tomllib.loads(TARGETS.read_text("utf-8"))
    found: dict[tuple[str, int, str], str] = {}
    for entry in data["target"]:
        for year, source, value in entry["values"]:
            found[(entry["indicator"], year, source)] = _percent(value)
    baselines: dict[str, list[tuple[str, str]]] = {}
    for section in data.get("baseline", []):
        for code, value in section["values"].items():
            baselines.setdefault(code, []).append((section["source"], _percent(value)))
    return found, baselines


def _section(
    d: Definition,
    targets: dict[tuple[str, int, str], str],
    baselines: dict[str, list[tuple[str, str]]],
) -> list[str]:
    lines = [f"## {d.name}", "", f"**Nguồn:** {d.status_label}."]
    if d.reason:
        lines.append(f"Lý do: {d.reason}")
    lines += ["", f"- **Đối tượng:** {d.population}"]
    lines.append(f"- **Tử số:** {d.numerator.definition} _(báo cáo: {figure_label(d.numerator)})_")
    lines.append(
        f"- **Mẫu số:** {d.denominator.definition} _(báo cáo: {figure_label(d.denominator)})_"
    )
    if d.registered is not None:
        lines.append(
            f"- **Mẫu số tham khảo (% đăng ký):** {d.registered.definition}"
            f" _(báo cáo: {figure_label(d.registered)})_"
        )
    lines.append(f"- **Đơn vị đếm:** {d.unit}")
    lines.append("- **Sổ sách dùng để đếm:** " + "; ".join(d.sources) + ".")
    lines.append("- **Căn cứ:**")
    lines += [f"  - {b.document}: {b.section}" for b in d.basis]
    lines += ["", "| Năm | Nguồn | Tỷ lệ |", "| --- | --- | --- |"]
    for territory, value in baselines.get(d.code, []):
        lines.append(f"| 2020 (kết quả) | {territory} | {value} |")
    for year, source in TARGET_CELLS:
        value = targets.get((d.code, year, source), "—")
        lines.append(f"| {year} | {TargetSource(source).label} | {value} |")
    lines.append("")
    return lines


def markdown() -> str:
    targets, baselines = _targets()
    lines = [
        "# Định nghĩa các chỉ số",
        "",
        "Tệp này được sinh từ `stats/data/indicators.toml` và `stats/data/targets.toml` bằng "
        "lệnh `python manage.py indicator_docs`; đừng sửa tay (một bài kiểm tra báo lỗi khi "
        "tệp khác với dữ liệu). Trang “Định nghĩa các chỉ số” trong phần Chỉ tiêu, bảng chỉ "
        "tiêu, báo cáo năm và giao diện lập trình đọc cùng dữ liệu này.",
        "",
        "“Chính thức”: đúng lời văn của văn bản. “Đề xuất”: cách hiểu của hệ thống, có nêu lý "
        "do, chờ tỉnh xác nhận. Tỷ lệ = tử số / mẫu số × 100, so sánh chính xác, chỉ làm tròn "
        "2 chữ số khi hiển thị. “—”: văn bản không đặt chỉ tiêu cho năm, cấp này.",
        "",
    ]
    for definition in DEFINITIONS.values():
        lines += _section(definition, targets, baselines)
    return "\n".join(lines).rstrip("\n") + "\n"


class Command(BaseCommand):
    help = "Ghi docs/indicators.md từ định nghĩa các chỉ số."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args: Any, **options: Any) -> None:
        text = markdown()
        if options["check"]:
            if not OUT.exists() or OUT.read_text("utf-8") != text:
                raise CommandError(
                    "docs/indicators.md khác với định nghĩa: chạy python manage.py indicator_docs."
                )
            self.stdout.write("docs/indicators.md khớp với định nghĩa.")
            return
        OUT.write_text(text, "utf-8")
        self.stdout.write(f"Đã ghi {OUT.name} ({len(DEFINITIONS)} chỉ số).")
