from django.urls import path

from recognition import views

app_name = "recognition"
urlpatterns = [
    path("quyet-dinh/<int:pk>/van-ban.<str:kind>", views.decision_file, name="decision_file"),
    path("quyet-dinh/<int:pk>/in-giay/", views.batch_start, name="batch_start"),
    path("thu-hoi/<int:pk>/van-ban.<str:kind>", views.revocation_file, name="revocation_file"),
    path("in-giay/<int:pk>/", views.batch_page, name="batch"),
    path("in-giay/<int:pk>/tep.pdf", views.batch_file, name="batch_file"),
    path("<int:pk>/giay-cong-nhan.pdf", views.certificate_file, name="certificate_file"),
]
