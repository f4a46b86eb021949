from django.http import HttpRequest
from ninja import NinjaAPI

from api.assessments import router as assessments_router
from api.auth import TokenAuth
from api.registry import router as registry_router
from api.stats import router as stats_router

api = NinjaAPI(
    title="hoctap API",
    version="1",
    description="API của hệ thống học tập suốt đời tỉnh Hưng Yên. Xác thực: `Authorization: Bearer <mã khóa>`.",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs page loads assets from a CDN; the schema is enough
)
api.add_router("/", registry_router)
api.add_router("/", assessments_router)
api.add_router("/", stats_router)


@api.get("/me", tags=["Tài khoản"], summary="Người dùng của khóa API")
def me(request: HttpRequest) -> dict[str, object]:
    from accounts.scope import scope_of

    user = request.user
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "roles": sorted(scope_of(user).roles),
    }
