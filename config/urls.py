from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from api import views as api_views
from api.urls import api
from core import views as core_views
from recognition import config_views
from recognition import views as recognition_views
from today import views as today_views

urlpatterns = [
    path("", today_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dang-nhap/", account_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("dia-ban/", include("places.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("so/", include("registry.urls")),
    path("binh-xet/", include("assessments.urls")),
    path("cong-nhan/", include("recognition.urls")),
    path("chi-tieu/", include("stats.urls")),
    path("ca-nhan/", include("portal.urls")),
    path("cau-hinh/", config_views.settings_page, name="config"),
    path("cau-hinh/can-cu/them/", config_views.basis_edit, name="config_basis_add"),
    path("cau-hinh/can-cu/<int:pk>/", config_views.basis_edit, name="config_basis"),
    path("cau-hinh/tham-quyen/<int:pk>/", config_views.rule_edit, name="config_rule"),
    path("xac-minh/", recognition_views.verify_form, name="verify_form"),
    path("xac-minh/<str:code>", recognition_views.verify, name="verify"),
    path("tieu-chi/", include("criteria.urls")),
    path("api/v1/", api.urls),
    path("tai-khoan/khoa-api/", api_views.tokens, name="api_tokens"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", api_views.token_revoke, name="api_token_revoke"),
    path("lich-su/", include("audit.urls")),
    path("phong-trao/", include("movement.urls")),
]
