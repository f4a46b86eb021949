from assessments.tests.helpers import YEAR, open_years


def test_household_page_lists_titles_and_registers(world, as_user):
    open_years(world)
    van = as_user("van")
    household = world.households["a1"]
    page = van.get(f"/so/ho/{household.pk}/").content.decode()
    assert "Chưa đăng ký danh hiệu nào." in page and 'value="GDHT"' in page
    response = van.post(
        "/binh-xet/dang-ky/",
        {"title": "GDHT", "year": YEAR, "subject": household.pk, "back": f"/so/ho/{household.pk}/"},
    )
    assert response.status_code == 302
    page = van.get(f"/so/ho/{household.pk}/").content.decode()
    assert "Gia đình học tập" in page and "Đã đăng ký" in page
    # a viewer sees the titles but gets no register button
    page = as_user("vera").get(f"/so/ho/{household.pk}/").content.decode()
    assert "Gia đình học tập" in page and 'value="GDHT"' not in page


def test_register_refused_outside_scope_says_why(world, as_user):
    open_years(world)
    response = as_user("binh").post(
        "/binh-xet/dang-ky/", {"title": "GDHT", "year": YEAR, "subject": world.households["a1"].pk}
    )
    assert response.status_code == 404


def test_village_and_commune_pages_offer_their_titles(world, as_user):
    assert (
        'value="CDHT_THON"'
        in as_user("van").get(f"/dia-ban/{world.village_a1.pk}/").content.decode()
    )
    assert (
        'value="XA_HT"' in as_user("cuong").get(f"/dia-ban/{world.commune_a.pk}/").content.decode()
    )
    assert (
        'value="XA_HT"'
        not in as_user("vera").get(f"/dia-ban/{world.commune_a.pk}/").content.decode()
    )
