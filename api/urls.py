from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from api.assessments import router as assessments_router
from api.auth import TokenAuth
from api.registry import router as registry_router
from api.stats import router as stats_router

ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Answers any operation may give besides its own: no or a wrong token, an object outside
# the token user's scope, a body that is not the schema's shape.
ERRORS_BODY = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
    "required": ["errors"],
}
COMMON_RESPONSES = {
    "400": ("Thân yêu cầu không đọc được (không phải JSON UTF-8)", ERROR_BODY),
    "401": ("Thiếu mã khóa API hoặc mã khóa sai/đã thu hồi", ERROR_BODY),
    "404": ("Không có, hoặc ngoài phạm vi của người dùng", ERROR_BODY),
    "422": ("Dữ liệu gửi lên sai kiểu hoặc thiếu (lỗi theo từng trường)", ERRORS_BODY),
}


class HoctapAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for code, (text, body) in COMMON_RESPONSES.items():
                    if code == "401" and not operation.get("security"):
                        continue
                    if code == "400" and "requestBody" not in operation:
                        continue
                    responses.setdefault(
                        code,
                        {"description": text, "content": {"application/json": {"schema": body}}},
                    )
        return schema


api = HoctapAPI(
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


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A request that does not fit the schema: 422 in the same {"errors": {field: [..]}}
    shape as the form errors, so one shape is documented for every 422."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        field = location[-1] if location else "__all__"
        errors.setdefault(field, []).append(f"Giá trị không hợp lệ: {error.get('msg', '')}")
    return api.create_response(request, {"errors": errors}, status=422)
