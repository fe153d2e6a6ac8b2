"""The kit's text and code field types: one storable-text rule, bounded lengths, ASCII digits, bilingual messages."""

import re
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from services.common.fields import (
    Address,
    ClockTime,
    FundPurpose,
    IdNumber,
    LongText,
    Note,
    Payload,
    PersonName,
    PhoneNumber,
    ShortText,
    Subject,
    Weekday,
    WindowEnd,
)
from tests.case.factories import make_id_number

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def message(field_type: Any, value: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(field_type).validate_python(value)
    return str(refused.value.errors()[0]["msg"])


def valid(field_type: Any, value: Any) -> Any:
    return TypeAdapter(field_type).validate_python(value)


class TestStorableText:
    @pytest.mark.parametrize("field_type", [ShortText, PersonName, Address, Note, LongText, Subject])
    def test_nul_is_refused_in_both_languages(self, field_type: Any) -> None:
        assert (
            message(field_type, "王\x00秀英") == "Value error, text may not contain NUL characters / 文本不能包含空字符"
        )

    @pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
    @pytest.mark.parametrize("field_type", [ShortText, LongText])
    def test_other_control_characters_are_refused(self, field_type: Any, character: str) -> None:
        text = message(field_type, f"一台{character}收音机")
        assert f"U+{ord(character):04X}" in text and " / 文本不能包含控制字符" in text

    @pytest.mark.parametrize("character", ["\t", "\n", "\r"])
    def test_long_text_keeps_tabs_and_line_breaks_one_line_text_refuses_them(self, character: str) -> None:
        assert valid(LongText, f"第一行{character}第二行") == f"第一行{character}第二行"
        assert valid(Note, f"第一行{character}第二行") == f"第一行{character}第二行"
        assert "文本不能包含控制字符" in message(ShortText, f"第一行{character}第二行")

    def test_lone_surrogate_is_refused(self) -> None:
        assert message(ShortText, "a\ud800b").endswith("/ 文本须为有效的 Unicode")

    def test_one_line_text_is_stripped_and_may_not_be_blank(self) -> None:
        assert valid(ShortText, "  满洲里市残联\u3000") == "满洲里市残联"
        assert message(ShortText, " \u3000 ") == "Value error, text may not be empty / 文本不能为空"
        assert message(PersonName, "") == "Value error, text may not be empty / 文本不能为空"

    def test_multiline_text_keeps_its_indentation(self) -> None:
        assert valid(LongText, "  一、入户走访\n") == "  一、入户走访\n"

    def test_subject_is_kept_as_it_is_but_not_blank(self) -> None:
        assert valid(Subject, "station-worker") == "station-worker"
        assert message(Subject, "   ") == "Value error, text may not be empty / 文本不能为空"

    @pytest.mark.parametrize(
        ("field_type", "limit"), [(ShortText, 200), (PersonName, 100), (Address, 300), (Note, 2000), (LongText, 4000)]
    )
    def test_length_is_bounded(self, field_type: Any, limit: int) -> None:
        assert valid(field_type, "字" * limit) == "字" * limit
        assert message(field_type, "字" * (limit + 1)).endswith(f"/ 文本不能超过{limit}个字符")

    def test_not_a_string_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            valid(ShortText, 42)

    @pytest.mark.parametrize(("field_type", "multiline"), [(ShortText, False), (LongText, True)])
    def test_json_schema_states_the_rule(self, field_type: Any, multiline: bool) -> None:
        schema = TypeAdapter(field_type).json_schema()
        assert schema["type"] == "string" and schema["maxLength"] in (200, 4000)
        pattern = re.compile(schema["pattern"])
        for code in range(0x3000):  # the schema's pattern and the validator agree, character by character
            character = chr(code)
            try:
                valid(field_type, f"x{character}x")
                accepted = True
            except ValidationError:
                accepted = False
            assert bool(pattern.fullmatch(character)) == accepted, hex(code)
            assert accepted == (not (code < 0x20 or 0x7F <= code <= 0x9F) or (multiline and character in "\t\n\r"))


class TestDigitsAreAscii:
    def test_phone_numbers(self) -> None:
        assert valid(PhoneNumber, " 13812345678 ") == "13812345678"
        assert valid(PhoneNumber, "0470-6221234") == "0470-6221234"
        for bad in ["13812345678".translate(ARABIC_INDIC), "138123\n45678", "1381234567８"]:
            assert (
                message(PhoneNumber, bad) == "Value error, not a mainland mobile or landline number / 电话号码格式错误"
            )

    def test_id_numbers(self) -> None:
        number = make_id_number()
        assert valid(IdNumber, f" {number.lower()} ") == number.upper()
        for bad in [number.translate(ARABIC_INDIC), number[:17] + "\n" + number[17:]]:
            assert message(IdNumber, bad).endswith("/ 身份证号码无效")

    def test_clock_times(self) -> None:
        assert valid(ClockTime, "15:00") == "15:00"
        assert valid(WindowEnd, "24:00") == "24:00"
        for bad in ["24:00", "15:00\n", "١٥:٠٠", "3:00"]:
            assert "HH:MM" in message(ClockTime, bad)
        assert "24:00" in message(WindowEnd, "24:01")
        assert TypeAdapter(ClockTime).json_schema()["pattern"] == "^([01][0-9]|2[0-3]):[0-5][0-9]$"

    def test_weekdays(self) -> None:
        assert valid(Weekday, 7) == 7
        for bad in [0, 8]:
            with pytest.raises(ValidationError):
                valid(Weekday, bad)


class TestFundPurpose:
    def test_an_item_category_or_a_need_kind(self) -> None:
        assert valid(FundPurpose, "school_supplies") == "school_supplies"
        assert valid(FundPurpose, "funding") == "funding"
        assert message(FundPurpose, "yacht").endswith("/ 用途须为物资类别或需求类型")
        assert "school_supplies" in TypeAdapter(FundPurpose).json_schema()["enum"]


class TestPayload:
    class Body(Payload):
        title: ShortText

    class Wrapper(Payload):
        inner: "TestPayload.Body"

    def test_unknown_field_is_refused(self) -> None:
        with pytest.raises(ValidationError) as refused:
            self.Body.model_validate({"title": "收音机", "status": "published"})
        assert refused.value.errors()[0]["type"] == "extra_forbidden"

    def test_nested_unknown_field_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            self.Wrapper.model_validate({"inner": {"title": "收音机", "version": 9}})

    def test_subclass_config_keeps_forbid(self) -> None:
        class WithExamples(Payload):
            model_config = ConfigDict(json_schema_extra={"examples": [{"title": "x"}]})
            title: ShortText

        assert WithExamples.model_config["extra"] == "forbid"
        assert WithExamples.model_json_schema()["additionalProperties"] is False
        assert issubclass(WithExamples, BaseModel)
