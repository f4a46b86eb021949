from django.urls import path

from stats import exports, imports, views

app_name = "stats"
urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<int:pk>/", views.commune, name="commune"),
    path("xa/<int:pk>/tinh-lai/", views.refresh, name="refresh"),
    path("muc-tieu/", views.targets, name="targets"),
    path("bao-cao/", views.reports, name="reports"),
    path("bao-cao/mau.xlsx", imports.template, name="report_template"),
    path("bao-cao/nhap/", imports.upload, name="report_import"),
    path("bao-cao/tong-hop/<int:year>.<str:kind>", exports.annual, name="annual"),
    path("bao-cao/so-ket/<int:first>-<int:last>.<str:kind>", exports.review, name="review"),
    path("bao-cao/<int:pk>/<int:year>/", views.report, name="report"),
    path("bao-cao/<int:pk>/<int:year>/<str:action>/", views.report_action, name="report_action"),
]
