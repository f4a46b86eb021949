from django.urls import path

from criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.set_list, name="list"),
    path("nhap/", views.set_import, name="import"),
    path("<int:pk>/", views.set_detail, name="detail"),
    path("<int:pk>/xuat.json", views.set_export, name="export"),
    path("<int:pk>/phien-ban-moi/", views.set_new_version, name="new_version"),
    path("<int:pk>/ban-hanh/", views.set_publish, name="publish"),
    path("<int:pk>/sua/", views.set_edit, name="edit"),
    path("<int:pk>/thong-qua/<str:item>/", views.adopt, name="adopt"),
    path("<int:pk>/nhom/them/", views.group_edit, name="group_add"),
    path("<int:pk>/nhom/<int:group_pk>/", views.group_edit, name="group_edit"),
    path("<int:pk>/nhom/<int:group_pk>/tieu-chi/them/", views.criterion_edit, name="criterion_add"),
    path(
        "<int:pk>/nhom/<int:group_pk>/tieu-chi/<int:criterion_pk>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
]
