import unicodedata

import pytest

from core.text import fold, nfc


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nguyễn Văn A", "nguyen van a"),
        ("ĐÔNG TẢO", "dong tao"),
        ("Đông  Tảo ", "dong tao"),
        ("đường", "duong"),
        ("Phường Phố Hiến", "phuong pho hien"),
        ("Thuỷ", "thuy"),
        ("Thủy", "thuy"),
        ("Lê\u200bThị", "lethi"),
    ],
)
def test_fold_strips_diacritics_case_and_d(raw, folded):
    assert fold(raw) == folded


def test_fold_of_nfd_input_equals_fold_of_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert nfd != "Nguyễn Thị Hương"
    assert fold(nfd) == fold("Nguyễn Thị Hương") == "nguyen thi huong"


def test_nfc_composes_and_strips_invisible_marks():
    nfd = unicodedata.normalize("NFD", "  Đặng Thị Thơm\u200e ")
    assert nfc(nfd) == "Đặng Thị Thơm"
    assert unicodedata.is_normalized("NFC", nfc(nfd))
