from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("", views.place_home, name="home"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("<int:pk>/them-thon/", views.village_create, name="village_create"),
    path("<int:pk>/sap-nhap-thon/", views.village_merge, name="village_merge"),
    path("thon/<int:pk>/sua/", views.village_edit, name="village_edit"),
    path("thon/<int:pk>/thoi-hieu-luc/", views.village_close, name="village_close"),
    path("nhap-thon/", views.village_import, name="village_import"),
    path("nhap-thon/mau.xlsx", views.village_template, name="village_template"),
    path("chia-tach/", views.split_list, name="split_list"),
    path("chia-tach/<int:pk>/", views.split_edit, name="split_edit"),
]
