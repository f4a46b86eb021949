"""The API: one NinjaAPI whose every answer, refusal or failure is JSON in Vietnamese.

Besides each operation's own answers, the schema documents for every operation the
answers any operation may give (COMMON_RESPONSES) and the business-rule refusals of
that operation (REFUSALS): a body can fit the schema and still be refused (a wrong
CCCD, a record someone else changed meanwhile, a village outside the user's scope).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from accounts.scope import scope_of
from api.assessments import router as assessments_router
from api.auth import TokenAuth
from api.registry import router as registry_router
from api.stats import router as stats_router

logger = logging.getLogger("django.request")

SERVER_ERROR = "Lỗi máy chủ, đã ghi nhận. Hãy thử lại sau."
NOT_AN_OBJECT = "Thân yêu cầu phải là một đối tượng JSON ({…}), không phải mảng, chuỗi hay số."
UNREADABLE = "Thân yêu cầu không đọc được: cần JSON mã hoá UTF-8."
NOT_FOUND = "Không có, hoặc ngoài phạm vi của bạn."
NO_RIGHT = "Không có quyền."
NO_TOKEN = "Thiếu mã khóa API hoặc mã khóa sai/đã thu hồi."

ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Answers any operation may give besides its own: no or a wrong token, an object outside
# the token user's scope, a body that is not the schema's shape. A 422 always carries
# "errors" (field → messages); a refusal of the whole request also carries "detail".
ERRORS_BODY = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "detail": {"type": "string"},
    },
    "required": ["errors"],
}
COMMON_RESPONSES = {
    "400": ("Thân yêu cầu không đọc được (không phải JSON UTF-8)", ERROR_BODY),
    "401": ("Thiếu mã khóa API hoặc mã khóa sai/đã thu hồi", ERROR_BODY),
    "404": ("Không có, hoặc ngoài phạm vi của người dùng", ERROR_BODY),
    "422": (
        "Dữ liệu gửi lên sai kiểu, thiếu, ngoài giới hạn (số trang, năm, mã…), có ký tự "
        "điều khiển (NUL…), hoặc thân yêu cầu không phải đối tượng JSON (lỗi theo từng trường)",
        ERRORS_BODY,
    ),
}

_SCHEMA_OR_RULE = "Sai kiểu, thiếu hoặc ngoài giới hạn; hoặc bị quy tắc nghiệp vụ từ chối: "
_STALE = "phiên bản (version) đã cũ vì người khác vừa cập nhật — tải lại rồi làm lại"
_CITIZEN = {
    "403": "Chỉ được xem, không được sửa hồ sơ ở thôn này",
    "422": _SCHEMA_OR_RULE + "thôn, hộ hoặc nơi làm việc ngoài phạm vi của bạn; tên, giới "
    "tính, ngày sinh, số điện thoại không hợp lệ; số CCCD sai hoặc không khớp giới tính, năm "
    "sinh, hay đã đăng ký cho người khác; có thể trùng người đã có (gửi lại với "
    "confirm_duplicate=true nếu đúng là người khác); hộ đã có chủ hộ; số điện thoại hoặc "
    "số CCCD mới là thông tin đăng nhập của tài khoản công dân (gửi lại với "
    "confirm_login_change=true sau khi đã gặp người đó; người đó được báo)",
}
_HOUSEHOLD = {
    "403": "Chỉ được xem, không được sửa hộ ở thôn này",
    "422": _SCHEMA_OR_RULE + "thôn hoặc dòng họ ngoài phạm vi của bạn; mã hộ trống hoặc đã "
    "có trong xã",
}
_CLAN = {
    "403": "Không quản lý dòng họ này",
    "422": _SCHEMA_OR_RULE + "thôn gốc ngoài phạm vi của bạn hoặc không thuộc xã của dòng "
    "họ; tên trống hoặc trùng dòng họ đã có",
}
_ORGANISATION = {
    "403": "Không quản lý sổ đơn vị của xã này",
    "422": _SCHEMA_OR_RULE + "tên trống, loại hoặc cấp không có trong danh mục, số cán bộ "
    "ngoài giới hạn",
}
_ASSESSMENT_STEP = (
    "hồ sơ không ở bước cho phép (đã nộp, đã duyệt, quá hạn hoặc danh hiệu đã khóa sổ theo lịch "
    "của danh hiệu, danh hiệu được đếm chưa có quyết định…); " + _STALE
)
# operationId → business-rule refusals: status code → what the refusal means.
REFUSALS: dict[str, dict[str, str]] = {
    "api_urls_me": {},
    "api_registry_list_citizens": {
        "429": "Quá nhiều lượt tìm kiếm (q) trong một phút (SEARCH_RATE_PER_MINUTE mỗi người "
        "dùng); thử lại sau 60 giây",
    },
    "api_registry_get_citizen": {},
    "api_registry_create_citizen": _CITIZEN,
    "api_registry_update_citizen": _CITIZEN,
    "api_registry_list_households": {},
    "api_registry_get_household": {},
    "api_registry_create_household": _HOUSEHOLD,
    "api_registry_update_household": _HOUSEHOLD,
    "api_registry_list_clans": {},
    "api_registry_get_clan": {},
    "api_registry_create_clan": _CLAN,
    "api_registry_update_clan": _CLAN,
    "api_registry_list_organisations": {},
    "api_registry_get_organisation": {},
    "api_registry_create_organisation": {
        **_ORGANISATION,
        "404": "Không có xã này, hoặc xã ngoài phạm vi của bạn",
    },
    "api_registry_update_organisation": _ORGANISATION,
    "api_assessments_list_assessments": {},
    "api_assessments_get_assessment": {},
    "api_assessments_save_answers": {
        "403": "Không có quyền sửa bản tự đánh giá này",
        "422": _SCHEMA_OR_RULE + "câu trả lời không có trong bộ tiêu chí hoặc sai kiểu, "
        "ngoài thang điểm; " + _ASSESSMENT_STEP + "; khi nộp: còn tiêu chí chưa trả lời",
    },
    "api_assessments_return_assessment": {
        "403": "Không có quyền trả lại hồ sơ này",
        "422": _SCHEMA_OR_RULE + "thiếu lý do trả lại; " + _ASSESSMENT_STEP,
    },
    "api_assessments_take_step": {
        "403": "Không có quyền làm bước này với hồ sơ này",
        "404": "Không có bước này (chỉ submit, verify, propose), hoặc hồ sơ ngoài phạm vi",
        "422": _SCHEMA_OR_RULE + _ASSESSMENT_STEP + "; khi nộp: còn tiêu chí chưa trả lời",
    },
    "api_assessments_create_decision": {
        "403": "Không phải cấp có thẩm quyền công nhận một hồ sơ trong danh sách",
        "404": "Một hồ sơ hoặc địa bàn ngoài phạm vi của bạn",
        "422": _SCHEMA_OR_RULE + "hồ sơ chưa được đề nghị hoặc chưa đạt tiêu chí; nhiều danh "
        "hiệu, nhiều năm hoặc nhiều cơ quan ban hành (đơn vị cấp xã và cấp tỉnh) trong một "
        "quyết định; đối tượng ngoài địa bàn của cơ quan ban hành (lỗi nêu tên đối tượng); số "
        "quyết định đã dùng trong năm; ngày ký ở tương lai; quá hạn ra quyết định",
    },
    "api_assessments_get_decision": {
        "404": "Không có quyết định này, hoặc bạn không xem được cả quyết định",
    },
    "api_assessments_create_revocation": {
        "403": "Không phải cấp có thẩm quyền công nhận (và thu hồi) một danh hiệu trong danh sách",
        "404": "Một hồ sơ hoặc địa bàn ngoài phạm vi của bạn",
        "422": _SCHEMA_OR_RULE + "hồ sơ không còn danh hiệu đang được công nhận; nhiều danh "
        "hiệu, nhiều năm hoặc nhiều cơ quan ban hành trong một quyết định; đối tượng ngoài địa "
        "bàn của cơ quan ban hành; số quyết định đã dùng; ngày ký ở tương lai; thiếu lý do",
    },
    "api_assessments_get_revocation": {
        "404": "Không có quyết định thu hồi này, hoặc bạn không xem được cả quyết định",
    },
    "api_stats_get_indicators": {
        "403": "Không có quyền xem số liệu (hoặc không có địa bàn mặc định)",
        "422": "Năm ngoài giới hạn, hoặc mã địa bàn sai kiểu",
    },
    "api_stats_list_targets": {},
    "api_stats_list_indicator_definitions": {
        "403": "Không có quyền xem số liệu (không phải cán bộ tỉnh hoặc cán bộ xã)",
    },
    "api_stats_get_report": {
        "403": "Không có quyền xem số liệu",
        "404": "Xã ngoài phạm vi, hoặc chưa lập báo cáo năm này",
    },
    "api_stats_put_report": {
        "403": "Không lập, sửa hoặc gửi được báo cáo của xã này",
        "404": "Không có xã này, hoặc xã ngoài phạm vi của bạn",
        "422": _SCHEMA_OR_RULE + "chỉ số không có; số liệu không khớp nhau (ví dụ số đăng ký "
        "lớn hơn tổng số); báo cáo đã gửi hoặc đã duyệt; khi gửi: còn thiếu số liệu; " + _STALE,
    },
}


class NotAnObjectError(ValueError):
    """A JSON body that parsed, but is not an object."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class ObjectParser(Parser):
    """Bodies are JSON objects: a list or a scalar is refused (422), not read as an empty
    object, and NaN/Infinity (which Python's json accepts) are not JSON at all (400)."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = json.loads(request.body, parse_constant=_no_constant)
        if not isinstance(data, dict):
            raise NotAnObjectError
        return data


class HoctapAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses: dict[str, Any] = {}
                # Ninja keys its own answers by int; the JSON schema's keys are strings.
                for code, answer in operation.get("responses", {}).items():
                    responses.setdefault(str(code), {}).update(answer)
                for code, (text, body) in COMMON_RESPONSES.items():
                    if code == "401" and not operation.get("security"):
                        continue
                    if code == "400" and "requestBody" not in operation:
                        continue
                    responses.setdefault(
                        code,
                        {"description": text, "content": {"application/json": {"schema": body}}},
                    )
                for code, text in REFUSALS.get(operation.get("operationId", ""), {}).items():
                    refusal = {"content": {"application/json": {"schema": ERROR_BODY}}}
                    responses.setdefault(code, refusal)["description"] = text
                operation["responses"] = responses
        return schema


api = HoctapAPI(
    title="hoctap API",
    version="1",
    description="API của hệ thống học tập suốt đời tỉnh Hưng Yên. Xác thực: `Authorization: Bearer <mã khóa>`.",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs page loads assets from a CDN; the schema is enough
    parser=ObjectParser(),
)
api.add_router("/", registry_router)
api.add_router("/", assessments_router)
api.add_router("/", stats_router)


@api.get("/me", tags=["Tài khoản"], summary="Người dùng của khóa API")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "roles": sorted(scope_of(user).roles),
    }


# Pydantic's error types, said in Vietnamese; the ctx values fill the placeholders.
ERROR_TEXTS = {
    "missing": "Thiếu trường này.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "list_type": "Phải là một mảng JSON.",
}


def _error_text(error: dict[str, Any]) -> str:
    text = ERROR_TEXTS.get(str(error.get("type", "")))
    if text is not None:
        try:
            return text.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            pass
    return f"Giá trị không hợp lệ: {error.get('msg', '')}"


def _answer(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _refusal(request: HttpRequest, message: str, field: str = "__all__") -> HttpResponse:
    return _answer(request, {"detail": message, "errors": {field: [message]}}, 422)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A request that does not fit the schema: 422 in the same {"errors": {field: [..]}}
    shape as the form errors, so one shape is documented for every 422."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        field = location[-1] if location else "__all__"
        errors.setdefault(field, []).append(_error_text(error))
    return _answer(request, {"errors": errors}, 422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NotAnObjectError):
        return _refusal(request, NOT_AN_OBJECT)
    if exc.status_code == 400 and exc.__cause__ is not None:  # the body did not parse
        return _answer(request, {"detail": UNREADABLE}, 400)
    if isinstance(exc, AuthenticationError):
        return _answer(request, {"detail": NO_TOKEN}, exc.status_code)
    if isinstance(exc, AuthorizationError):
        return _answer(request, {"detail": NO_RIGHT}, exc.status_code)
    return _answer(request, {"detail": str(exc)}, exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, {"detail": NOT_FOUND}, 404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _answer(request, {"detail": str(exc) or NO_RIGHT}, 403)


@api.exception_handler(SuspiciousOperation)
def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
    return _answer(request, {"detail": UNREADABLE}, 400)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other failure: logged with its traceback (and reported like a page's 500), but
    the client gets one JSON sentence, never the traceback, even under DEBUG."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    got_request_exception.send(sender=type(api), request=request)
    response = _answer(request, {"detail": SERVER_ERROR}, 500)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
