"""The "Căn cứ" lines decisions start with; provinces edit them in the app."""

from django.db import migrations

BASES = [
    ("", "", 2025, 10, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"),
    ("", "", 2022, 20, "Căn cứ Quyết định số 387/QĐ-TTg ngày 25 tháng 3 năm 2022 của Thủ tướng Chính phủ phê duyệt Chương trình “Đẩy mạnh phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, đơn vị giai đoạn 2021 - 2030”;"),
    ("", "CDHT", 2022, 30, "Căn cứ Quyết định số 677/QĐ-TTg ngày 03 tháng 6 năm 2022 của Thủ tướng Chính phủ phê duyệt Chương trình “Xây dựng mô hình Công dân học tập giai đoạn 2021 - 2030”;"),
    ("", "", 2022, 40, "Căn cứ Kế hoạch số 127/KH-UBND ngày 08 tháng 7 năm 2022 của Ủy ban nhân dân tỉnh Hưng Yên về đẩy mạnh phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, đơn vị giai đoạn 2021 - 2030 trên địa bàn tỉnh Hưng Yên;"),
]


def add(apps, schema_editor):
    LegalBasis = apps.get_model("recognition", "LegalBasis")
    for level, title, year_from, order, text in BASES:
        LegalBasis.objects.get_or_create(text=text, defaults={"level": level, "title": title, "year_from": year_from, "order": order})


def remove(apps, schema_editor):
    apps.get_model("recognition", "LegalBasis").objects.filter(text__in=[b[4] for b in BASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
