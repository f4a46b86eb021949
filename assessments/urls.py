from django.urls import path

from assessments.views import calendar, cycle, manage, revocations

app_name = "assessments"
urlpatterns = [
    path("", cycle.assessment_list, name="list"),
    path("hang-loat/", cycle.bulk_action, name="bulk"),
    path("dang-ky/", manage.register, name="register"),
    path("dang-ky-hang-loat/", manage.register_many, name="register_many"),
    path("nam/", manage.years, name="years"),
    path("nam/<int:pk>/khoa-so/", manage.year_close, name="year_close"),
    path("nam/<int:pk>/mo-lai/", manage.year_reopen, name="year_reopen"),
    path("nam/<int:pk>/lich/", calendar.calendar, name="calendar"),
    path("nam/<int:pk>/lich/sua/", calendar.calendar_edit, name="calendar_edit"),
    path("lich/<int:pk>/khoa-so/", calendar.title_close, name="title_close"),
    path("lich/<int:pk>/mo-lai/", calendar.title_reopen, name="title_reopen"),
    path("quyet-dinh/", manage.decision_list, name="decision_list"),
    path("quyet-dinh/moi/", manage.decision_create, name="decision_create"),
    path("quyet-dinh/<int:pk>/", manage.decision_detail, name="decision_detail"),
    path("thu-hoi/", revocations.revocation_list, name="revocation_list"),
    path("thu-hoi/moi/", revocations.revocation_create, name="revocation_create"),
    path("thu-hoi/<int:pk>/", revocations.revocation_detail, name="revocation_detail"),
    path("<int:pk>/", cycle.assessment_detail, name="detail"),
    path("<int:pk>/ket-qua/", cycle.derived_fragment, name="derived"),
    path("<int:pk>/buoc/<str:step>/", cycle.assessment_step, name="step"),
    path("<int:pk>/tra-lai/", cycle.assessment_return, name="return"),
    path("<int:pk>/thu-hoi/", cycle.assessment_revoke, name="revoke"),
    path("<int:pk>/minh-chung/", cycle.evidence_upload, name="evidence_upload"),
    path("<int:pk>/minh-chung/<int:evidence_pk>/", cycle.evidence_file, name="evidence_file"),
]
