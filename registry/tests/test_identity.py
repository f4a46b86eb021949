import pytest

from registry.identity import IdentityError, check_identity, make_identity, restore_leading_zeros


@pytest.mark.parametrize(
    ("number", "gender", "year"),
    [
        ("033085001234", "male", 1985),
        ("034190000001", "female", 1990),
        ("001203000009", "male", 2003),
        ("096312000001", "female", 2012),
    ],
)
def test_valid_numbers(number, gender, year):
    check_identity(number, gender=gender, birth_year=year)


@pytest.mark.parametrize(
    ("number", "gender", "year", "message"),
    [
        ("03308500123", "male", 1985, "đúng 12 chữ số (đang có 11)"),
        ("003085001234", "male", 1985, "Ba số đầu của CCCD (003)"),
        ("033185001234", "male", 1985, "ứng với giới tính nữ"),
        ("033085001234", "female", 1985, "ứng với giới tính nam"),
        ("033086001234", "male", 1985, "năm sinh 1986, không khớp với năm sinh 1985"),
        ("033285001234", "male", 1985, "năm sinh 2085"),
    ],
)
def test_inconsistent_numbers(number, gender, year, message):
    with pytest.raises(IdentityError) as info:
        check_identity(number, gender=gender, birth_year=year)
    assert message in str(info.value)


def test_restore_leading_zeros():
    assert restore_leading_zeros("33085001234") == "033085001234"
    assert restore_leading_zeros("1203000009") == "001203000009"
    assert restore_leading_zeros("99085001234") is None  # 099 is not a province
    assert restore_leading_zeros("033085001234") is None  # already complete


def test_generated_numbers_validate():
    for year, gender in [(1950, "male"), (2001, "female"), (2020, "male")]:
        number = make_identity(province="033", gender=gender, birth_year=year, serial=42)
        check_identity(number, gender=gender, birth_year=year)
