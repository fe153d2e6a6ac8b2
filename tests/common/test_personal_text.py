"""The one detector of personal data in text that outsiders read."""

import pytest

from services.common.personal_text import (
    PersonalDataInText,
    ensure_no_personal_data,
    find_personal_data,
    names_to_check,
)
from tests.case.factories import make_id_number

ID = make_id_number("150781", serial=123)
ADDRESS = "内蒙古呼伦贝尔市满洲里市东山街道幸福演示小区3号楼2单元401"


def kinds(text: str, **known: list[str]) -> list[str]:
    return [f.kind for f in find_personal_data(text, **known)]


class TestIdNumbers:
    @pytest.mark.parametrize(
        "text",
        [
            f"身份证{ID}",
            f"证件号 {ID[:6]} {ID[6:14]} {ID[14:]}",
            ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "150781480305123",  # first generation, 15 digits, 1948-03-05
        ],
    )
    def test_found(self, text: str) -> None:
        assert kinds(text)[:1] == ["id_number"]

    @pytest.mark.parametrize(
        "text",
        [
            ID[:17] + ("0" if ID[17] != "0" else "1"),  # wrong check character
            "快递单号 SF1234567890123",  # digits that are not an ID number nor a phone
            "150781481332123",  # 15 digits, no such date
            "送去 2 台收音机，价值 89.90 元",
        ],
    )
    def test_not_found(self, text: str) -> None:
        assert kinds(text) == []


class TestPhones:
    @pytest.mark.parametrize(
        "text",
        ["联系13812345678", "电话 138-1234-5678", "138 1234 5678 找王阿姨", "+86 17012345678", "8617012345678"],
    )
    def test_found(self, text: str) -> None:
        assert kinds(text) == ["phone"]

    @pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "服务 12 次"])
    def test_not_found(self, text: str) -> None:
        assert kinds(text) == []


class TestKnownPeople:
    def test_full_and_given_name_and_guardian(self) -> None:
        names = names_to_check("王秀英", "李建华（监护人）")
        assert names == ["王秀英", "秀英", "李建华", "建华"]
        assert kinds("王 秀英奶奶收到了", names=names) == ["name"]
        assert kinds("秀英很高兴", names=names) == ["name"]
        assert kinds("建华代为签收", names=names) == ["name"]
        assert kinds("老人很高兴", names=names) == []

    def test_self_consent_adds_no_name(self) -> None:
        assert names_to_check("宝音", "本人") == ["宝音"]

    def test_address_below_district(self) -> None:
        assert kinds("送到幸福演示小区3号楼", addresses=[ADDRESS]) == ["address"]
        assert kinds("东山街道幸福演示小区", addresses=[ADDRESS]) == ["address"]
        assert kinds("满洲里市的老人", addresses=[ADDRESS]) == []
        assert kinds("3号楼", addresses=[ADDRESS]) == []


class TestRefusal:
    def test_names_the_field_in_both_languages(self) -> None:
        with pytest.raises(PersonalDataInText) as caught:
            ensure_no_personal_data("proof_note", "王秀英 13812345678", names=["王秀英"])
        error = caught.value
        assert (error.status, error.code) == (422, "PERSONAL_DATA_IN_TEXT")
        assert error.extra == {"field": "proof_note", "found": ["phone", "name"]}
        assert "proof_note" in error.detail and "手机号" in error.detail_zh and "服务对象姓名" in error.detail_zh

    def test_empty_text_passes(self) -> None:
        ensure_no_personal_data("feedback", "")
        ensure_no_personal_data("feedback", None)
