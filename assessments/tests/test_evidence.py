import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import Evidence
from assessments.tests.helpers import YEAR, open_years

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.4\n" + b"x" * 100


@pytest.fixture
def assessment(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_years(world)
    return services.register(
        actor=world.users["van"], title="GDHT", year=YEAR, subject=world.households["a1"]
    )


def upload(client, assessment, name, data, criterion="3.1"):
    return client.post(
        f"/binh-xet/{assessment.pk}/minh-chung/",
        {"criterion": criterion, "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_image_and_pdf_evidence_are_stored_and_served(world, as_user, assessment):
    van = as_user("van")
    upload(van, assessment, "goc-hoc-tap.png", PNG)
    upload(van, assessment, "bien-ban.pdf", PDF, criterion="4.2")
    items = list(Evidence.objects.filter(assessment=assessment))
    assert [(e.criterion_code, e.content_type) for e in items] == [
        ("3.1", "image/png"),
        ("4.2", "application/pdf"),
    ]
    response = van.get(f"/binh-xet/{assessment.pk}/minh-chung/{items[0].pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        as_user("binh").get(f"/binh-xet/{assessment.pk}/minh-chung/{items[0].pk}/").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("anh.jpg", PDF, "có đuôi .jpg nhưng nội dung là application/pdf"),
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 50, "không phải ảnh (JPEG, PNG, WebP) hay PDF"),
        ("to.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "Tệp quá 5 MB."),
    ],
)
def test_bad_evidence_is_refused(world, as_user, assessment, name, data, message):
    response = upload(as_user("van"), assessment, name, data)
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_only_while_editable_and_in_scope(world, as_user, assessment):
    upload(as_user("binh"), assessment, "a.png", PNG)
    assert not Evidence.objects.exists()
    assert io.BytesIO(PNG)
