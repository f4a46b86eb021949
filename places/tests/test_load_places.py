from django.core.management import call_command

from places.models import REFORM_DATE, Place, PlaceKind, PlaceSuccession


def test_current_province_has_exactly_104_communes(db):
    province = Place.objects.current().get(kind=PlaceKind.PROVINCE, code="33")
    assert province.name == "Tỉnh Hưng Yên"
    communes = Place.objects.current().communes().filter(parent=province)
    assert communes.count() == 104
    assert communes.filter(unit_type="Phường").count() == 11
    assert communes.filter(unit_type="Xã").count() == 93
    assert all(c.valid_from == REFORM_DATE and c.valid_to is None for c in communes)


def test_legacy_provinces_districts_and_communes(db):
    legacy = Place.objects.legacy()
    hung_yen = legacy.get(kind=PlaceKind.PROVINCE, code="33")
    thai_binh = legacy.get(kind=PlaceKind.PROVINCE, code="34")
    assert legacy.filter(kind=PlaceKind.DISTRICT, parent=hung_yen).count() == 10
    assert legacy.filter(kind=PlaceKind.DISTRICT, parent=thai_binh).count() == 8
    assert legacy.communes().within(hung_yen).count() == 139
    assert legacy.communes().within(thai_binh).count() == 242
    assert str(hung_yen.valid_to) == "2025-06-30"


def test_every_legacy_commune_has_a_current_successor(db):
    orphans = Place.objects.legacy().communes().filter(successions__isnull=True)
    assert orphans.count() == 0
    for link in PlaceSuccession.objects.select_related("successor")[:50]:
        assert link.successor.is_current


def test_split_communes_are_flagged_with_a_default_successor(db):
    split = PlaceSuccession.objects.filter(is_split=True)
    assert split.exists()
    for predecessor_id in set(split.values_list("predecessor_id", flat=True)):
        links = PlaceSuccession.objects.filter(predecessor_id=predecessor_id)
        assert links.count() >= 2
        assert links.filter(is_default=True).count() == 1


def test_load_places_twice_creates_nothing(db, capsys):
    before = (Place.objects.count(), PlaceSuccession.objects.count())
    call_command("load_places")
    assert (Place.objects.count(), PlaceSuccession.objects.count()) == before
    assert "tạo mới 0, cập nhật 0, liên kết kế thừa mới 0" in capsys.readouterr().out


def test_subtree_paths(db):
    thai_binh = Place.objects.legacy().get(kind=PlaceKind.PROVINCE, code="34")
    district = Place.objects.filter(parent=thai_binh).first()
    commune = Place.objects.filter(parent=district).first()
    assert commune.path.startswith(district.path) and district.path.startswith(thai_binh.path)
    assert commune.ancestors() == [thai_binh, district]
    assert commune.depth == 2
