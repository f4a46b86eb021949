"""The criteria editor's fields: numbers typed the Vietnamese way, an item's source on one
line, and lists edited as rows of a table (choices, bands, levels) that work without
JavaScript: blank rows under each list, "Thêm dòng" posts back for more."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria import provenance


def plain_number(value: Decimal) -> int | float:
    """A decimal as the set's JSON stores it (10, 66.67): as `criteria.io` exports it."""
    return int(value) if value == value.to_integral_value() else float(value)


class NumberField(forms.DecimalField):
    """A number typed the Vietnamese way or the other ("66,67", "66.67", "90 %"); kept exact."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Phải là một số, ví dụ 70 hoặc 66,67."),
                "max_decimal_places": _("Ghi tối đa hai chữ số thập phân."),
                "max_digits": _("Số quá lớn."),
                "max_whole_digits": _("Số quá lớn."),
                "min_value": _("Không được là số âm."),
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("%", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return f"{Decimal(str(value)).normalize():f}".replace(".", ",")
        return value


class WholeField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Phải là một số nguyên."),
                "min_value": _("Không được là số âm."),
                "max_value": _("Số quá lớn."),
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
        super().__init__(**kwargs)


# Blank rows offered under a list, and again each time "Thêm dòng" is pressed: the lists
# work without JavaScript.
EXTRA_ROWS = 2


class Rows(forms.BaseFormSet):
    """A list edited as rows of a table (choices, bands, levels). A blank row is ignored,
    a row ticked "Xóa dòng" is dropped; the list keeps the order of the rows."""

    title: Any = ""
    help: Any = ""
    prefix_name = ""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Xóa dòng")

    @property
    def sent(self) -> bool:
        """Whether the request carried this list at all (a script or an older page may not)."""
        return self.is_bound and f"{self.prefix}-TOTAL_FORMS" in self.data

    @property
    def more(self) -> str:
        return f"more_{self.prefix}"

    def values(self) -> list[dict[str, Any]]:
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE"):
                value = form.value()
                if value is not None:
                    out.append(value)
        return out

    def row_errors(self) -> list[str]:
        """Every row's errors as one line each, naming the row."""
        found = []
        for row_number, form in enumerate(self.forms, start=1):
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    found.append(
                        _("%(t)s, dòng %(n)s%(f)s: %(e)s")
                        % {
                            "t": self.title,
                            "n": row_number,
                            "f": f" — {label}" if label else "",
                            "e": error,
                        }
                    )
        return found


def rows_formset(row: type[forms.Form], prefix: str, title: Any, help: Any = "") -> type[Rows]:
    formset = forms.formset_factory(
        row, formset=Rows, extra=EXTRA_ROWS, can_delete=True, max_num=200, absolute_max=200
    )
    return type(
        f"{row.__name__}Set", (formset,), {"title": title, "help": help, "prefix_name": prefix}
    )


def bound_rows(
    formset: type[Rows], prefix: str, data: Any, initial: list[dict[str, Any]]
) -> tuple[Rows, bool]:
    """The rows of a list; with "Thêm dòng" pressed, EXTRA_ROWS more (and no saving)."""
    more = data is not None and f"more_{prefix}" in data
    if more:
        data = data.copy()
        key = f"{prefix}-TOTAL_FORMS"
        data[key] = str(int(data.get(key) or 0) + EXTRA_ROWS)
    sent = data is not None and f"{prefix}-TOTAL_FORMS" in data
    rows = formset(data if sent else None, initial=initial, prefix=prefix)
    return rows, more


class SourceWidget(forms.MultiWidget):
    """Where an item comes from, on one line: the kind, then the official document (number,
    date, article) or the proposal (reason, by whom)."""

    PARTS = (
        ("kind", _("Loại nguồn")),
        ("document", _("Số, ký hiệu văn bản")),
        ("date", _("Ngày ban hành (dd/mm/yyyy)")),
        ("article", _("Điều, khoản")),
        ("reason", _("Lý do đề xuất")),
        ("by", _("Người, cơ quan đề xuất")),
    )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [forms.Select(choices=SOURCE_KINDS)] + [
            forms.TextInput(attrs={"placeholder": label, "aria-label": label})
            for _name, label in self.PARTS[1:]
        ]
        widgets[0].attrs["aria-label"] = str(self.PARTS[0][1])
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        source = provenance.Source.of(value)
        return [
            source.kind,
            source.document,
            provenance.shown_date(source.date),
            source.article,
            source.reason,
            source.by,
        ]


SOURCE_KINDS = [
    ("", _("— chưa ghi nguồn —")),
    (provenance.OFFICIAL, _("Chính thức (văn bản)")),
    (provenance.PROPOSAL, _("Đề xuất")),
]


class SourceField(forms.MultiValueField):
    """A source as the editor enters it (the province's adoption is recorded elsewhere)."""

    widget = SourceWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            fields=[
                forms.ChoiceField(choices=SOURCE_KINDS, required=False),
                forms.CharField(required=False, max_length=200),
                forms.DateField(required=False),
                forms.CharField(required=False, max_length=100),
                forms.CharField(required=False, max_length=500),
                forms.CharField(required=False, max_length=200),
            ],
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> dict[str, Any]:
        if not data_list or not data_list[0]:
            return {}
        kind, document, date, article, reason, by = data_list
        data = {
            "kind": kind,
            "document": document,
            "date": date.isoformat() if date else "",
            "article": article,
            "reason": reason,
            "by": by,
        }
        found = provenance.problems(data, str(self.label or _("Nguồn")))
        if found:
            raise forms.ValidationError(found)
        return provenance.clean(data)


def drop_omitted_sources(form: forms.BaseForm, data: dict[str, Any], names: Any) -> None:
    """A source the request did not send at all (a script, an older page) stays as it was:
    only a source sent empty clears it."""
    for name in names:
        field = form.fields[name]
        if form.is_bound and field.widget.value_omitted_from_data(
            form.data, form.files, form.add_prefix(name)
        ):
            data.pop(name, None)


def source_help(initial: Any) -> str:
    """The mark as the pages show it, under the field: adoption included."""
    return str(_("Hiện nay: %(l)s.") % {"l": provenance.Source.of(initial).label})


class OptionRow(forms.Form):
    label = forms.CharField(label=_("Lựa chọn"), max_length=200, required=False)
    points = NumberField(label=_("Điểm"), min_value=0)
    passes = forms.ChoiceField(
        label=_("Kết quả"),
        required=False,
        choices=[("", _("Đạt khi có điểm")), ("yes", _("Đạt")), ("no", _("Chưa đạt"))],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("points") is not None and not data.get("label"):
            self.add_error("label", _("Cần ghi tên lựa chọn."))
        if data.get("label") and data.get("points") is None:
            self.add_error("points", _("Cần ghi điểm (0 nếu không có điểm)."))
        return data

    def value(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("label"):
            return None
        out: dict[str, Any] = {"label": data["label"], "points": plain_number(data["points"])}
        if data.get("passes"):
            out["passes"] = data["passes"] == "yes"
        return out

    @staticmethod
    def initial_of(option: dict[str, Any]) -> dict[str, Any]:
        passes = option.get("passes")
        return {
            "label": option.get("label", ""),
            "points": option.get("points", 0),
            "passes": "" if passes is None else ("yes" if passes else "no"),
        }


class BandRow(forms.Form):
    name = forms.CharField(label=_("Tên loại"), max_length=40, required=False)
    min = NumberField(label=_("Từ điểm"), min_value=0)
    granted = forms.BooleanField(label=_("Được công nhận danh hiệu"), required=False)
    source = SourceField(label=_("Nguồn"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and data.get("min") is None:
            self.add_error("min", _("Cần ghi điểm bắt đầu của loại."))
        if data.get("min") is not None and not data.get("name"):
            self.add_error("name", _("Cần ghi tên loại."))
        return data

    def value(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        out = {"name": data["name"], "min": plain_number(data["min"])}
        if data.get("source"):
            out["source"] = data["source"]
        return {**out, "_granted": bool(data.get("granted"))}


class LevelRow(forms.Form):
    ALL_PASS, PASS_MARK = "all_pass", "pass_mark"
    level = WholeField(label=_("Mức"), min_value=1, max_value=9)
    name = forms.CharField(label=_("Tên mức"), max_length=60, required=False)
    way = forms.ChoiceField(
        label=_("Cách đạt"),
        required=False,
        choices=[
            (ALL_PASS, _("Đạt tất cả tiêu chí của mức")),
            (PASS_MARK, _("Đạt các điều kiện và đủ điểm đạt")),
        ],
    )
    pass_mark = NumberField(label=_("Điểm đạt của mức"), min_value=0)
    after_months = WholeField(label=_("Sau ít nhất (tháng) giữ mức trước"), max_value=120)
    source = SourceField(label=_("Nguồn"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("level") is None:
            if data.get("name") or data.get("pass_mark") is not None:
                self.add_error("level", _("Cần ghi số mức (1, 2…)."))
            return data
        if data.get("way") == self.PASS_MARK and data.get("pass_mark") is None:
            self.add_error("pass_mark", _("Mức xét theo điểm cần điểm đạt."))
        return data

    def value(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("level") is None:
            return None
        out: dict[str, Any] = {"level": data["level"]}
        out["name"] = data.get("name") or str(_("Mức độ %(l)s") % {"l": data["level"]})
        if data.get("way") == self.PASS_MARK:
            out["pass_mark"] = plain_number(data["pass_mark"])
        else:
            out["all_pass"] = True
        if data.get("after_months"):
            out["after_months"] = data["after_months"]
        if data.get("source"):
            out["source"] = data["source"]
        return out

    @classmethod
    def initial_of(cls, level: dict[str, Any]) -> dict[str, Any]:
        return {
            "level": level.get("level"),
            "name": level.get("name", ""),
            "way": cls.PASS_MARK if level.get("pass_mark") is not None else cls.ALL_PASS,
            "pass_mark": level.get("pass_mark"),
            "after_months": level.get("after_months"),
            "source": level.get("source", {}),
        }


OptionRows = rows_formset(
    OptionRow,
    "lua-chon",
    _("Các lựa chọn"),
    _("Chỉ cho tiêu chí loại Lựa chọn: mỗi dòng một phương án và điểm của nó."),
)
BandRows = rows_formset(
    BandRow,
    "xep-loai",
    _("Xếp loại"),
    _(
        "Từ loại cao nhất xuống thấp nhất; mỗi loại từ số điểm ghi ở dòng của nó đến dưới "
        "điểm của loại trên. Đánh dấu các loại được công nhận danh hiệu (từ trên xuống)."
    ),
)
LevelRows = rows_formset(
    LevelRow,
    "muc-do",
    _("Các mức độ"),
    _("Chỉ cho bộ xét theo mức độ: từ mức 1; mỗi mức một dòng và nguồn của nó."),
)


class RowsMixin:
    """A form with lists edited as rows (`self.rowsets`); "Thêm dòng" re-renders, never saves."""

    rowsets: list[Rows]
    adding_rows: bool

    def _rows(self, formset: type[Rows], data: Any, initial: list[dict[str, Any]]) -> Rows:
        rows, more = bound_rows(formset, formset.prefix_name, data, initial)
        self.rowsets.append(rows)
        self.adding_rows = self.adding_rows or more
        return rows

    def _check_rows(self, form: forms.BaseForm, rows: Rows) -> bool:
        """Validate the rows when they were sent; their errors make the form invalid too."""
        if not rows.sent:
            return False
        if not rows.is_valid():
            for problem in rows.row_errors():
                form.add_error(None, problem)
            return False
        return True
