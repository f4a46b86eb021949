from django.urls import path

from stats import downloads, imports, indicator_views, views

app_name = "stats"
urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<int:pk>/", views.commune, name="commune"),
    path("xa/<int:pk>/tinh-lai/", views.refresh, name="refresh"),
    path("muc-tieu/", views.targets, name="targets"),
    path("chi-so/", indicator_views.indicator_list, name="indicators"),
    path("chi-so/<slug:code>/", indicator_views.indicator_detail, name="indicator"),
    path("bao-cao/", views.reports, name="reports"),
    path("bao-cao/mau.xlsx", imports.template, name="report_template"),
    path("bao-cao/nhap/", imports.upload, name="report_import"),
    path("bao-cao/tong-hop/<int:year>.<str:kind>", downloads.annual, name="annual"),
    path("bao-cao/gui-bo/<int:year>.<str:kind>", downloads.ministry, name="ministry"),
    path("bao-cao/so-ket/<int:first>-<int:last>.<str:kind>", downloads.review, name="review"),
    path("bao-cao/<int:pk>/<int:year>/", views.report, name="report"),
    path("bao-cao/<int:pk>/<int:year>/<str:action>/", views.report_action, name="report_action"),
]
