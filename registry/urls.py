from django.urls import path

from registry.views import citizens, groups, households, imports

app_name = "registry"
urlpatterns = [
    path("cong-dan/", citizens.citizen_list, name="citizen_list"),
    path("cong-dan/xuat.xlsx", citizens.citizen_export, name="citizen_export"),
    path("cong-dan/them/", citizens.citizen_create, name="citizen_create"),
    path("cong-dan/<int:pk>/", citizens.citizen_detail, name="citizen_detail"),
    path("cong-dan/<int:pk>/sua/", citizens.citizen_edit, name="citizen_edit"),
    path(
        "cong-dan/<int:pk>/tinh-trang/<str:status>/", citizens.citizen_status, name="citizen_status"
    ),
    path("cong-dan/<int:pk>/gop/", citizens.citizen_merge, name="citizen_merge"),
    path("cong-dan/<int:pk>/lich-su/", citizens.citizen_history, name="citizen_history"),
    path("cong-dan/<int:pk>/chuyen-ho/", households.member_move, name="member_move"),
    path("ho/", households.household_list, name="household_list"),
    path("ho/xuat.xlsx", households.household_export, name="household_export"),
    path("ho/them/", households.household_create, name="household_create"),
    path("ho/<int:pk>/", households.household_detail, name="household_detail"),
    path("ho/<int:pk>/sua/", households.household_edit, name="household_edit"),
    path("ho/<int:pk>/them-thanh-vien/", households.member_add, name="member_add"),
    path("ho/<int:pk>/chu-ho/<int:citizen_pk>/", households.head_change, name="head_change"),
    path("dong-ho/", groups.clan_list, name="clan_list"),
    path("dong-ho/xuat.xlsx", groups.clan_export, name="clan_export"),
    path("dong-ho/them/", groups.clan_create, name="clan_create"),
    path("dong-ho/<int:pk>/", groups.clan_detail, name="clan_detail"),
    path("dong-ho/<int:pk>/sua/", groups.clan_edit, name="clan_edit"),
    path("dong-ho/<int:pk>/them-ho/", groups.clan_household_add, name="clan_household_add"),
    path(
        "dong-ho/<int:pk>/bo-ho/<int:household_pk>/",
        groups.clan_household_remove,
        name="clan_household_remove",
    ),
    path("don-vi/", groups.organisation_list, name="organisation_list"),
    path("don-vi/xuat.xlsx", groups.organisation_export, name="organisation_export"),
    path("don-vi/them/", groups.organisation_create, name="organisation_create"),
    path("don-vi/<int:pk>/", groups.organisation_detail, name="organisation_detail"),
    path("don-vi/<int:pk>/sua/", groups.organisation_edit, name="organisation_edit"),
    path("don-vi/<int:pk>/them-nguoi/", groups.staff_add, name="staff_add"),
    path("don-vi/<int:pk>/bo-nguoi/<int:citizen_pk>/", groups.staff_remove, name="staff_remove"),
    path("nhap/<str:kind>/", imports.import_upload, name="import_upload"),
    path("nhap/<str:kind>/mau.xlsx", imports.import_template, name="import_template"),
    path("nhap-lan/<int:pk>/", imports.import_job, name="import_job"),
    path("nhap-lan/<int:pk>/xac-nhan/", imports.import_confirm, name="import_confirm"),
    path("nhap-lan/<int:pk>/loi.xlsx", imports.import_errors_file, name="import_errors_file"),
]
