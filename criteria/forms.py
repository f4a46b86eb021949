"""Forms of the criteria editor, and the answers form of a set."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.describe import COUNTED, criterion_sentence, level_names_of, number
from criteria.engine import SetSpec
from criteria.form_rows import (
    BandRows,
    LevelRow,
    LevelRows,
    NumberField,
    OptionRow,
    OptionRows,
    RowsMixin,
    SourceField,
    WholeField,
    drop_omitted_sources,
    plain_number,
    source_help,
)
from criteria.io import SET_SOURCE_KEYS, basis_problems
from criteria.models import CriteriaSet, Criterion, CriterionKind
from criteria.rules import RULES
from criteria.services import band_problems
from criteria.titles import Title


class SetForm(RowsMixin, forms.ModelForm):
    total_points = NumberField(
        label=_("Tổng điểm của bộ"),
        min_value=0,
        help_text=_(
            "Tổng điểm tối đa văn bản quy định, ví dụ 100. Bộ xét theo điểm chỉ ban hành được "
            "khi tổng điểm các tiêu chí bằng số này."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rowsets, self.adding_rows = [], False
        sources = self.instance.sources if self.instance.pk else {}
        for key, label in SET_SOURCE_KEYS.items():
            shown: Any = label
            if key == "grant_from_band":
                shown = _("Công nhận danh hiệu từ loại (cột “được công nhận” của Xếp loại)")
            self.fields[f"source_{key}"] = SourceField(
                label=_("Nguồn: %(l)s") % {"l": shown},
                initial=sources.get(key, {}),
                help_text=source_help(sources.get(key)),
            )
        grant = self.instance.grant_from_band
        bands = list(self.instance.bands or [])
        mins = [band.get("min", 0) for band in bands]
        lowest = next((b.get("min") for b in bands if b.get("name") == grant), None)
        self.bands = self._rows(
            BandRows,
            self.data if self.is_bound else None,
            [
                {
                    "name": band.get("name", ""),
                    "min": band.get("min"),
                    "granted": not grant or (lowest is not None and m >= lowest),
                    "source": band.get("source", {}),
                }
                for band, m in zip(bands, mins, strict=True)
            ],
        )
        self.levels = self._rows(
            LevelRows,
            self.data if self.is_bound else None,
            [LevelRow.initial_of(level) for level in self.instance.levels or []],
        )

    def clean_legal_basis(self) -> str:
        text = self.cleaned_data.get("legal_basis", "")
        found = basis_problems(text)
        if found:
            raise forms.ValidationError(found)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self._check_rows(self, self.bands):
            rows = self.bands.values()
            bands = [{k: v for k, v in row.items() if k != "_granted"} for row in rows]
            for problem in band_problems(bands, data.get("total_points")):
                self.add_error(None, problem)
            granted = [bool(row["_granted"]) for row in rows]
            off = granted.index(False) if False in granted else len(granted)
            if granted and off == 0:
                self.add_error(
                    None,
                    _("Xếp loại: loại cao nhất (“%(b)s”) phải được công nhận danh hiệu.")
                    % {"b": bands[0]["name"]},
                )
            elif any(granted[off:]):
                self.add_error(
                    None,
                    _(
                        "Xếp loại: loại “%(a)s” không được công nhận nhưng loại thấp hơn “%(b)s” "
                        "lại được; các loại được công nhận phải liền nhau từ trên xuống."
                    )
                    % {"a": bands[off]["name"], "b": bands[granted.index(True, off)]["name"]},
                )
            data["bands"] = bands
            if not bands or (off == len(bands) and not self.instance.grant_from_band):
                data["grant_from_band"] = ""  # no bands, or every band as before: none to name
            elif off > 0:
                data["grant_from_band"] = bands[off - 1]["name"]  # the lowest granted band
        if self._check_rows(self, self.levels):
            levels = self.levels.values()
            numbers = [level["level"] for level in levels]
            if numbers != sorted(set(numbers)):
                self.add_error(None, _("Các mức độ: ghi từ mức thấp đến mức cao, mỗi mức một lần."))
            data["levels"] = levels
        names = [f"source_{key}" for key in SET_SOURCE_KEYS]
        drop_omitted_sources(self, data, names)
        if any(name in data for name in names):
            data["sources"] = {
                key: data[f"source_{key}"] for key in SET_SOURCE_KEYS if data.get(f"source_{key}")
            }
        for name in names:
            data.pop(name, None)
        return data

    class Meta:
        model = CriteriaSet
        fields = [
            "name",
            "legal_basis",
            "note",
            "year_from",
            "year_to",
            "validity_years",
            "mode",
            "total_points",
            "pass_mark",
            "group_min_share",
            "indicator_floor",
            "population_group",
            "org_level",
        ]
        # "66,67" as written in Vietnamese (config.formats), or "66.67"
        localized_fields = ["total_points", "pass_mark", "group_min_share", "indicator_floor"]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class GroupForm(forms.Form):
    code = forms.CharField(label=_("Mã nhóm"), max_length=10)
    name = forms.CharField(label=_("Tên nhóm"), max_length=300)
    source = SourceField(label=_("Nguồn của nhóm"))
    min_points = forms.DecimalField(
        label=_("Điểm tối thiểu của nhóm"),
        required=False,
        min_value=0,
        localize=True,  # "2,5" as written in Vietnamese, or "2.5"
        help_text=_("Chỉ ghi khi văn bản quy định mức tối thiểu riêng cho nhóm này."),
    )
    min_points_source = SourceField(label=_("Nguồn của điểm tối thiểu"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("source", "min_points_source"):
            self.fields[name].help_text = source_help(self.initial.get(name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drop_omitted_sources(self, data, ["source", "min_points_source"])
        return data


# The rules as the editor's drop-down names them (the rule's own label has letters T, p, X).
RULE_NAMES = {
    "member_households_title_share": _("Tỷ lệ hộ thành viên đạt một danh hiệu"),
    "adults_cdht_share": _("Tỷ lệ người lớn đạt Công dân học tập"),
    "staff_cdht_share": _("Tỷ lệ cán bộ, nhân viên của đơn vị đạt Công dân học tập"),
    "children_in_school": _("Trẻ em trong độ tuổi đi học"),
    "count_at_least": _("Số lượng tối thiểu (hộ, người…)"),
    "commune_title_share": _("Tỷ lệ đối tượng của xã đạt một danh hiệu"),
    "workers_cdht_share": _("Tỷ lệ người lao động đạt Công dân học tập"),
}
# The parameters the editor types, by name; which rules read each one is in `rules.RULES`.
PARAM_FIELDS = ("p", "title", "what", "min_age", "max_age")


def _percent_rule(rule: str) -> bool:
    return rule in RULES and RULES[rule].unit == "%"


class CriterionForm(RowsMixin, forms.ModelForm):
    rule = forms.ChoiceField(
        label=_("Quy tắc tính (loại Tính từ dữ liệu)"),
        choices=[("", "—")] + [(k, RULE_NAMES.get(k, r.label)) for k, r in RULES.items()],
        required=False,
    )
    threshold = NumberField(
        label=_("Ngưỡng (loại Số)"),
        help_text=_("Đạt khi số ghi được từ ngưỡng này trở lên; đơn vị % thì từ 0 đến 100."),
    )
    param_p = NumberField(
        label=_("Ngưỡng của quy tắc"),
        min_value=0,
        help_text=_(
            "Quy tắc tỷ lệ: phần trăm từ 0 đến 100 (ví dụ 66,67); số lượng tối thiểu: số nguyên; "
            "trẻ em đi học: số trẻ chưa đi học tối đa (thường 0)."
        ),
    )
    param_title = forms.ChoiceField(
        label=_("Danh hiệu được tính"),
        required=False,
        choices=[("", "—"), *Title.choices],
        help_text=_("Cho quy tắc tỷ lệ đạt một danh hiệu."),
    )
    param_what = forms.ChoiceField(
        label=_("Đếm"),
        required=False,
        choices=[("", "—"), *[(k, str(v)) for k, v in COUNTED.items()]],
        help_text=_("Cho quy tắc số lượng tối thiểu."),
    )
    param_min_age = WholeField(
        label=_("Từ tuổi"), max_value=120, help_text=_("Người lớn: mặc định 18; trẻ em: 6.")
    )
    param_max_age = WholeField(
        label=_("Đến tuổi"), max_value=120, help_text=_("Trẻ em: mặc định 14.")
    )

    class Meta:
        model = Criterion
        fields = [
            "code",
            "text",
            "help_text",
            "kind",
            "points",
            "condition",
            "unit",
            "threshold",
            "rule",
        ]
        localized_fields = ["points", "threshold"]  # "2,5" or "2.5"
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "help_text": forms.Textarea(attrs={"rows": 2}),
        }

    SOURCES = (
        ("source", _("Nguồn của tiêu chí (nội dung, điểm)")),
        ("threshold_source", _("Nguồn của ngưỡng")),
        ("condition_source", _("Nguồn của điều kiện công nhận")),
    )

    def __init__(self, *args: Any, criteria_set: CriteriaSet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rowsets, self.adding_rows = [], False
        self.level_names = level_names_of(criteria_set.levels if criteria_set else [])
        params = dict(self.instance.params or {}) if self.instance.pk else {}
        p = params.get("p")
        for level, name in self.level_names.items():
            self.fields[f"param_p_{level}"] = NumberField(
                label=_("Ngưỡng ở %(l)s") % {"l": name},
                min_value=0,
                help_text=_("Chỉ ghi khi mỗi mức có ngưỡng riêng."),
                initial=p.get(level) if isinstance(p, dict) else None,
            )
        if self.level_names:
            self.fields["levels"] = forms.MultipleChoiceField(
                label=_("Thuộc mức"),
                required=False,
                choices=list(self.level_names.items()),
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Không đánh dấu: tiêu chí của mọi mức."),
                initial=[str(x) for x in self.instance.levels or []],
            )
            self.fields["levels_sent"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial="1"
            )
        if not isinstance(p, dict):
            self.fields["param_p"].initial = p
        for name in PARAM_FIELDS[1:]:
            self.fields[f"param_{name}"].initial = params.get(name)
        for name, label in self.SOURCES:
            current = getattr(self.instance, name) if self.instance.pk else {}
            self.fields[name] = SourceField(
                label=label, initial=current, help_text=source_help(current)
            )
        data = self.data if self.is_bound else None
        self.options = self._rows(
            OptionRows,
            data,
            [OptionRow.initial_of(o) for o in self.instance.options or [] if isinstance(o, dict)],
        )

    def _params(self, data: dict[str, Any], code: str) -> dict[str, Any]:
        """The rule's parameters from the typed fields, each checked against the rule."""
        rule = data.get("rule") or ""
        where = _("Tiêu chí %(c)s") % {"c": code or "?"}
        wanted = RULES[rule].params if rule in RULES else ()
        params: dict[str, Any] = {}
        per_level = {
            level: data.get(f"param_p_{level}")
            for level in self.level_names
            if data.get(f"param_p_{level}") is not None
        }
        p: Any = per_level or data.get("param_p")
        if rule == "children_in_school":
            params["compare"] = "<="
            p = 0 if p is None else p
        elif self.instance.pk and self.instance.rule == rule and "compare" in self.instance.params:
            params["compare"] = self.instance.params["compare"]
        if "p" in wanted or rule == "children_in_school":
            values = list(p.values()) if isinstance(p, dict) else [p]
            field = "param_p" if not per_level else f"param_p_{next(iter(per_level))}"
            if p is None or p == {}:
                self.add_error(field, _("%(w)s: quy tắc này cần ngưỡng.") % {"w": where})
            elif _percent_rule(rule) and any(v > 100 for v in values):
                self.add_error(
                    field,
                    _("%(w)s, ngưỡng: tỷ lệ phải từ 0 đến 100 %%, đang ghi %(v)s.")
                    % {"w": where, "v": ", ".join(number(v) for v in values)},
                )
            elif not _percent_rule(rule) and any(v != v.to_integral_value() for v in values):
                self.add_error(field, _("%(w)s, ngưỡng: phải là số nguyên.") % {"w": where})
            if p is not None:
                params["p"] = (
                    {k: plain_number(v) for k, v in p.items()}
                    if isinstance(p, dict)
                    else plain_number(p)
                )
        labels = {
            "title": _("danh hiệu được tính"),
            "what": _("đếm"),
        }
        for name in ("title", "what"):
            if name in wanted:
                if not data.get(f"param_{name}"):
                    self.add_error(
                        f"param_{name}",
                        _("%(w)s: quy tắc này cần chọn %(f)s.") % {"w": where, "f": labels[name]},
                    )
                else:
                    params[name] = data[f"param_{name}"]
        for name in ("min_age", "max_age"):
            if name in wanted and data.get(f"param_{name}") is not None:
                params[name] = data[f"param_{name}"]
        low, high = params.get("min_age"), params.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "param_max_age",
                _("%(w)s: “đến tuổi” (%(b)s) nhỏ hơn “từ tuổi” (%(a)s).")
                % {"w": where, "a": low, "b": high},
            )
        return params

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = str(data.get("code") or self.instance.code or "")
        where = _("Tiêu chí %(c)s") % {"c": code or "?"}
        drop_omitted_sources(self, data, [name for name, _label in self.SOURCES])
        current = self.instance.condition_source if self.instance.pk else {}
        if data.get("condition") and not data.get("condition_source", current):
            self.add_error(
                "condition_source",
                _("Điều kiện công nhận cần ghi nguồn: văn bản chính thức, hoặc đề xuất kèm lý do."),
            )
        kind = data.get("kind")
        if kind == CriterionKind.DERIVED and not data.get("rule"):
            self.add_error(
                "rule", _("%(w)s: tiêu chí tính từ dữ liệu cần chọn quy tắc.") % {"w": where}
            )
        sent = any(f"param_{name}" in self.data for name in PARAM_FIELDS)
        if kind == CriterionKind.DERIVED and (sent or not self.instance.pk):
            data["params"] = self._params(data, code)
        elif kind != CriterionKind.DERIVED:
            data["params"], data["rule"] = {}, ""
        if self._check_rows(self, self.options):
            data["options"] = self.options.values() if kind == CriterionKind.CHOICE else []
        elif kind != CriterionKind.CHOICE and not self.options.sent:
            data["options"] = []
        if kind == CriterionKind.CHOICE and not data.get("options", self.instance.options):
            self.add_error(
                None, _("%(w)s: tiêu chí lựa chọn cần ít nhất một lựa chọn.") % {"w": where}
            )
        threshold = data.get("threshold")
        percent = kind == CriterionKind.NUMBER and data.get("unit") == "%"
        if percent and threshold is not None and threshold > 100:
            self.add_error(
                "threshold",
                _("%(w)s, ngưỡng: tỷ lệ phải từ 0 đến 100 %%, đang ghi %(v)s.")
                % {"w": where, "v": number(threshold)},
            )
        if "levels" in self.fields and self.data.get("levels_sent"):
            data["levels"] = [int(x) for x in data.get("levels") or []]
        else:
            data.pop("levels", None)
        data.pop("levels_sent", None)
        for name in PARAM_FIELDS:
            data.pop(f"param_{name}", None)
        for level in self.level_names:
            data.pop(f"param_p_{level}", None)
        if kind == CriterionKind.SCORE and not data.get("points"):
            self.add_error("points", _("%(w)s: tiêu chí tự chấm cần điểm tối đa.") % {"w": where})
        return data

    def preview(self) -> str:
        """The criterion as it reads now, in a sentence (the editor shows it on top)."""
        if not self.instance.pk:
            return ""
        return criterion_sentence(self.instance, self.level_names)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp bộ tiêu chí (.json hoặc .toml)"))


class AdoptForm(forms.Form):
    """The provincial document that adopts a proposal."""

    document = forms.CharField(
        label=_("Văn bản của tỉnh thông qua"),
        max_length=200,
        help_text=_("Số và ký hiệu, ví dụ: Quyết định số 15/QĐ-UBND của Ủy ban nhân dân tỉnh"),
    )
    date = forms.DateField(label=_("Ngày ban hành"), help_text=_("dd/mm/yyyy"))


# The answers form of a criteria set: the criteria editor previews it, the assessment
# pages (officers and the citizen portal) fill it in.
YES_NO = [("", "—"), ("true", _("Có")), ("false", _("Không"))]


def _not_a_number(code: str) -> str:
    return _("Tiêu chí %(c)s: phải là một số, ví dụ 6,5.") % {"c": code}


def answers_form_class(spec: SetSpec) -> type[forms.Form]:
    """A form with one field per criterion the subject answers (derived ones are computed)."""
    fields: dict[str, forms.Field] = {}
    for criterion in spec.criteria:
        label = f"{criterion.code}. {criterion.text}"
        name = f"c_{criterion.code}"
        if criterion.kind == CriterionKind.YESNO:
            fields[name] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
        elif criterion.kind == CriterionKind.NUMBER:
            fields[name] = forms.DecimalField(
                label=f"{label} ({criterion.unit})" if criterion.unit else label,
                min_value=0,
                required=False,
                localize=True,  # "6,5" as written in Vietnamese (config.formats), or "6.5"
                error_messages={
                    "min_value": _("Không được là số âm."),
                    "invalid": _not_a_number(criterion.code),
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )
        elif criterion.kind == CriterionKind.SCORE:
            fields[name] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=criterion.points,
                decimal_places=1,
                required=False,
                error_messages={
                    "min_value": _("Điểm phải từ 0 đến %(m)s.")
                    % {"m": f"{criterion.points.normalize():f}"},
                    "max_value": _("Điểm phải từ 0 đến %(m)s.")
                    % {"m": f"{criterion.points.normalize():f}"},
                    "invalid": _not_a_number(criterion.code),
                    "max_decimal_places": _("Chấm đến nửa điểm (một chữ số thập phân)."),
                },
                help_text=_("Tự chấm từ 0 đến %(m)s điểm")
                % {"m": f"{criterion.points.normalize():f}"},
                # A text box: a number box (type="number") refuses the decimal comma in many
                # browsers and shows nothing for a localised value.
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
            )
        elif criterion.kind == CriterionKind.CHOICE:
            choices = [("", "—")] + [
                (str(i), o.get("label", "")) for i, o in enumerate(criterion.options)
            ]
            fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=False, widget=forms.RadioSelect
            )
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    return type("AnswersForm", (forms.Form,), fields)


def initial_answers(spec: SetSpec, answers: dict[str, Any], version: int) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": version}
    for criterion in spec.criteria:
        value = answers.get(criterion.code)
        if value is None:
            continue
        if criterion.kind == CriterionKind.YESNO:
            initial[f"c_{criterion.code}"] = "true" if value else "false"
        else:
            initial[f"c_{criterion.code}"] = value
    return initial


def answers_from(spec: SetSpec, cleaned: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for criterion in spec.criteria:
        key = f"c_{criterion.code}"
        if key not in cleaned:
            continue
        value = cleaned[key]
        if value in (None, ""):
            out[criterion.code] = None
        elif criterion.kind == CriterionKind.YESNO:
            out[criterion.code] = value == "true"
        else:
            out[criterion.code] = str(value)
    return out
