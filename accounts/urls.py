from django.urls import path

from accounts import twofactor, views

app_name = "accounts"
urlpatterns = [
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("vai-tro/<int:pk>/thu-hoi/", views.assignment_end, name="assignment_end"),
    path("hai-buoc/", twofactor.setup, name="otp_setup"),
    path("hai-buoc/xac-minh/", twofactor.verify, name="otp_verify"),
]
