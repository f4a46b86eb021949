"""The validation of the movement's records, shared by the pages and each Excel row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import set_choices
from core.text import collapse_spaces
from movement import models as m
from places.models import Place, PlaceKind

TEXT_FIELDS = ("name", "full_name", "topic", "title", "donor", "channel")


class MoneyField(forms.IntegerField):
    """Đồng as people type them: "3.000.000", "3 000 000 đ" or 3000000."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "numeric"}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip().removesuffix("đ").removesuffix("VND").strip()
            value = "".join(ch for ch in value if ch not in ". ,\u00a0")
        return super().to_python(value)


class PlaceForm(forms.ModelForm):
    """A record of one place: village choices narrowed to its villages, names tidied."""

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        if "village" in self.fields:
            villages = (
                Place.objects.current().villages().filter(parent=place)
                if place.kind == PlaceKind.COMMUNE
                else Place.objects.none()
            )
            set_choices(self, "village", villages.order_by("name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in TEXT_FIELDS:
            if isinstance(data.get(name), str):
                data[name] = collapse_spaces(data[name])
        return data


class CentreForm(PlaceForm):
    class Meta:
        model = m.LearningCentre
        fields = [
            "name",
            "address",
            "established_on",
            "decision",
            "merged_into",
            "closed_on",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = m.LearningCentre.objects.filter(place=self.place)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        set_choices(self, "merged_into", others)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("merged_into") and not data.get("closed_on"):
            self.add_error("closed_on", _("Trung tâm đã sáp nhập cần có ngày sáp nhập."))
        return data


class BoardMemberForm(forms.ModelForm):
    class Meta:
        model = m.BoardMember
        fields = ["full_name", "role", "association_leader", "other_post", "start_date", "end_date"]


class ActivityForm(PlaceForm):
    class Meta:
        model = m.Activity
        fields = [
            "kind",
            "topic",
            "start_date",
            "end_date",
            "participants",
            "village",
            "facilitators",
        ]


class EvaluationForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    class Meta:
        model = m.SelfEvaluation
        fields = ["year", "rating", "summary"]


def year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1945, max_value=2100)


class MemberForm(PlaceForm):
    birth_year = year_field(_("Năm sinh"))
    joined_year = year_field(_("Năm vào Hội"))
    left_year = year_field(_("Năm thôi"))

    class Meta:
        model = m.Member
        fields = [
            "full_name",
            "birth_year",
            "village",
            "position",
            "is_cadre",
            "joined_year",
            "left_year",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        joined, left = data.get("joined_year"), data.get("left_year")
        if joined and left and left < joined:
            self.add_error("left_year", _("Năm thôi không được trước năm vào Hội."))
        return data


class TrainingForm(PlaceForm):
    class Meta:
        model = m.Training
        fields = ["topic", "title", "date", "level", "organiser"]


class CommunicationForm(PlaceForm):
    link = forms.URLField(label=_("Đường dẫn"), required=False, assume_scheme="https")
    # Checked and stored by services (content, size), which also serve the imports.
    attachment_file = forms.FileField(
        label=_("Tệp đính kèm (ảnh, PDF hoặc Word .docx, tối đa 10 MB)"), required=False
    )
    remove_attachment = forms.BooleanField(label=_("Bỏ tệp đính kèm hiện có"), required=False)

    class Meta:
        model = m.Communication
        fields = [
            "kind",
            "channel",
            "date",
            "title",
            "link",
            "file_reference",
            "learning_week",
            "event",
            "participants",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = m.Communication.objects.filter(place=self.place, kind=m.MediaKind.EVENT)
        if self.instance.pk:
            events = events.exclude(pk=self.instance.pk)
        set_choices(self, "event", events)
        if not self.instance.attachment:
            del self.fields["remove_attachment"]
        else:
            self.fields["attachment_file"].help_text = _(
                "Đang có: %(n)s. Chọn tệp khác để thay."
            ) % {"n": self.instance.attachment_name}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date = data.get("date")
        if data.get("learning_week"):
            if data.get("kind") != m.MediaKind.EVENT:
                self.add_error("kind", _("Tuần lễ hưởng ứng học tập suốt đời là một sự kiện."))
            elif date and date.month != 10:
                self.add_error(
                    "date", _("Tuần lễ hưởng ứng học tập suốt đời diễn ra vào tháng 10.")
                )
        if (
            data.get("event")
            and data.get("kind") == m.MediaKind.EVENT
            and data.get("learning_week")
        ):
            self.add_error("event", _("Một sự kiện không thể thuộc một sự kiện khác."))
        return data


class ContributionForm(PlaceForm):
    class Meta:
        model = m.Contribution
        fields = ["date", "source", "donor", "purpose", "cash", "in_kind", "in_kind_description"]
        field_classes = {"cash": MoneyField, "in_kind": MoneyField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cash", "in_kind"):
            self.fields[name].required = False  # an empty cell is nothing of that kind

    def clean_cash(self) -> int:
        return self.cleaned_data.get("cash") or 0

    def clean_in_kind(self) -> int:
        return self.cleaned_data.get("in_kind") or 0

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("cash") or 0) and not (data.get("in_kind") or 0):
            self.add_error("cash", _("Cần ghi số tiền hoặc giá trị hiện vật."))
        if (data.get("in_kind") or 0) and not data.get("in_kind_description"):
            self.add_error("in_kind_description", _("Hãy ghi hiện vật là gì."))
        return data


class EstimateForm(PlaceForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    class Meta:
        model = m.BudgetEstimate
        fields = ["year", "amount", "scholarships", "rewards", "centre", "note"]
        field_classes = dict.fromkeys(("amount", "scholarships", "rewards", "centre"), MoneyField)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parts = sum(data.get(n) or 0 for n in ("scholarships", "rewards", "centre"))
        if data.get("amount") is not None and parts > data["amount"]:
            self.add_error("amount", _("Tổng các khoản chi tiết lớn hơn tổng dự toán."))
        year = data.get("year")
        if year and not self.errors:
            clash = m.BudgetEstimate.objects.filter(place=self.place, year=year)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("year", _("Đã có dự toán năm %(y)s.") % {"y": year})
        return data


class CommendationForm(PlaceForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    class Meta:
        model = m.Commendation
        fields = ["year", "subject_kind", "name", "village", "reason", "achievements", "level"]


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Kết quả xét"),
        choices=[
            (m.CommendationStatus.APPROVED, m.CommendationStatus.APPROVED.label),
            (m.CommendationStatus.REJECTED, m.CommendationStatus.REJECTED.label),
        ],
    )
    decision = forms.CharField(label=_("Số quyết định khen thưởng"), max_length=120, required=False)
    decision_date = forms.DateField(label=_("Ngày quyết định"), required=False)
    exemplary = forms.BooleanField(label=_("Đưa vào danh sách điển hình tiêu biểu"), required=False)
    review_note = forms.CharField(
        label=_("Ý kiến xét duyệt"), widget=forms.Textarea, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == m.CommendationStatus.APPROVED:
            if not data.get("decision"):
                self.add_error("decision", _("Cần số quyết định khen thưởng."))
            if not data.get("decision_date"):
                self.add_error("decision_date", _("Cần ngày quyết định."))
        else:
            if data.get("exemplary"):
                self.add_error("exemplary", _("Chỉ đưa vào điển hình khi được khen thưởng."))
            if not data.get("review_note"):
                self.add_error("review_note", _("Hãy ghi lý do không khen thưởng."))
        return data
