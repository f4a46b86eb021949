import pytest

from conftest import ALL_PERSONAS

# Who may open which place page (others: 404; anonymous: redirect to login).
PAGE_ACCESS = {
    "province": {"alice", "vera"},
    "commune_a": {"alice", "vera", "cuong"},
    "commune_b": {"alice", "vera", "binh"},
    "village_a1": {"alice", "vera", "cuong", "van"},
    "village_a2": {"alice", "vera", "cuong"},
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("target", sorted(PAGE_ACCESS))
def test_place_page_scope(world, as_user, persona, target):
    place = getattr(world, target)
    response = as_user(persona).get(f"/dia-ban/{place.pk}/")
    expected = 200 if persona in PAGE_ACCESS[target] else 404
    assert response.status_code == expected


def test_anonymous_place_page_redirects_to_login(world, client):
    response = client.get(f"/dia-ban/{world.commune_a.pk}/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_province_admin_sees_province_with_104_communes(world, as_user):
    response = as_user("alice").get("/dia-ban/", follow=True)
    page = response.content.decode()
    assert response.context["place"] == world.province
    assert "Tỉnh Hưng Yên" in page
    assert response.context["page"].paginator.count == 104
    assert "<strong>104</strong> xã, phường" in page


def test_province_page_counts_villages_per_commune(world, as_user):
    response = as_user("alice").get(f"/dia-ban/{world.province.pk}/")
    counts = {child.code: n for child, n in response.context["rows"]}
    assert counts["11953"] == 2
    assert counts["12205"] == 1


def test_commune_officer_lands_on_own_commune_only(world, as_user):
    client = as_user("cuong")
    response = client.get("/dia-ban/", follow=True)
    assert response.context["place"] == world.commune_a
    assert client.get(f"/dia-ban/{world.province.pk}/").status_code == 404
    assert client.get(f"/dia-ban/{world.commune_b.pk}/").status_code == 404


def test_commune_page_lists_villages_and_legacy_predecessors(world, as_user):
    page = as_user("cuong").get(f"/dia-ban/{world.commune_a.pk}/").content.decode()
    assert "Thôn Đông Tảo" in page and "Thôn An Lạc" in page
    assert "Hình thành từ các đơn vị trước 01/07/2025" in page
    assert "Phường Lê Lợi" in page  # Phố Hiến was formed from old Hưng Yên city wards


def test_breadcrumbs_link_only_what_the_user_may_open(world, as_user):
    page = as_user("van").get(f"/dia-ban/{world.village_a1.pk}/").content.decode()
    assert f'href="/dia-ban/{world.commune_a.pk}/"' not in page
    assert "Phường Phố Hiến" in page
    page = as_user("cuong").get(f"/dia-ban/{world.village_a1.pk}/").content.decode()
    assert f'href="/dia-ban/{world.commune_a.pk}/"' in page


def test_search_communes_without_diacritics(world, as_user):
    response = as_user("alice").get(f"/dia-ban/{world.province.pk}/", {"q": "khoai chau"})
    names = [c.name for c, _ in response.context["rows"]]
    assert names == ["Xã Khoái Châu"]


def test_search_villages_ignoring_d_and_case(world, as_user):
    response = as_user("cuong").get(f"/dia-ban/{world.commune_a.pk}/", {"q": "DONG TAO"})
    assert [c.name for c, _ in response.context["rows"]] == ["Thôn Đông Tảo"]


def test_legacy_commune_page_for_province_shows_successor(world, as_user):
    from places.models import Place

    legacy = (
        Place.objects.legacy()
        .communes()
        .get(name="Phường Lê Lợi", parent__name="Thành phố Hưng Yên")
    )
    page = as_user("alice").get(f"/dia-ban/{legacy.pk}/").content.decode()
    assert "Đơn vị kế thừa" in page and "Phường Phố Hiến" in page
    assert as_user("cuong").get(f"/dia-ban/{legacy.pk}/").status_code == 404
