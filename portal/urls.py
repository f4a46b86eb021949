from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("nhan-tai-khoan/", views.claim_view, name="claim"),
    path("nhan-tai-khoan/ma/<str:token>/", views.claim_code, name="claim_code"),
    path("dang-ky/", views.register_view, name="register"),
    path("danh-gia/", views.start_cdht, name="start"),
    path("danh-gia/<int:pk>/buoc/<int:step>/", views.step, name="step"),
    path("danh-gia/<int:pk>/nop/", views.submit, name="submit"),
    path("ho/", views.household, name="household"),
    path("thong-tin/", views.details, name="details"),
    path("thong-tin/rut/<int:pk>/", views.withdraw_change, name="withdraw_change"),
    path("du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("du-lieu-cua-toi.<str:kind>", views.my_data_file, name="my_data_file"),
    path("duyet/", views.review, name="review"),
    path("duyet/tai-khoan/<int:pk>/", views.review_account, name="review_account"),
    path("duyet/thong-tin/<int:pk>/", views.review_change, name="review_change"),
    path("duyet/mat-khau/<int:citizen_pk>/", views.password_reset, name="password_reset"),
]
