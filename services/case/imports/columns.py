"""The column layouts of the sheets stations keep, and turning cells into API values.

Headers are the Chinese names stations already use. A cell becomes what the JSON API would
receive (codes, ISO dates, strings), so the API's own pydantic schemas then apply the same
rules to an imported row as to a typed-in one. Labels map to codes through
`services.common.vocabulary` (类别 "空巢、独居" -> ["empty_nest", "living_alone"]).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from services.common.clock import BEIJING  # a time a station writes down is Beijing time
from services.common.fields import check_storable
from services.common.vocabulary import Gender, ItemCategory, RecipientCategory, Vocabulary


class CellError(ValueError):
    """A cell that cannot become an API value; the message is bilingual."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the API field (dotted for nested: consent.given_at)
    required: bool
    kind: str  # text, code, date, datetime, int, money, labels, gender, grade
    note: str = ""


RECIPIENT_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True, "text"),
    Column("性别", "gender", True, "gender", "男 / 女"),
    Column("出生日期", "birth_date", True, "date", "1950-03-05"),
    Column("身份证号码", "id_number", True, "code", "18位，末位可为X；请把单元格设为文本"),
    Column("联系电话", "phone", False, "code"),
    Column("住址", "address", False, "text"),
    Column("行政区划代码", "region_code", True, "code", "9位乡镇（街道）或12位社区（村）代码"),
    Column("类别", "categories", True, "labels", "逗号或顿号分隔，如：老年人、空巢"),
    Column("残疾等级", "disability_grade", False, "grade", "1-4 或 一级-四级"),
    Column("健康状况", "health_notes", False, "text"),
    Column("同意人", "consent.given_by", True, "text", "本人或监护人姓名"),
    Column("同意时间", "consent.given_at", True, "datetime", "2024-03-01 09:30"),
    Column("同意用途", "consent.purpose", True, "text"),
)
WISH_COLUMNS: tuple[Column, ...] = (
    Column("身份证号码", "id_number", True, "code", "服务对象的身份证号码（须已登记并有进行中的个案）"),
    Column("心愿", "title", True, "text", "如：一台收音机"),
    Column("物品类别", "item_category", True, "item", "学习用品、图书、衣物、被褥、食品、小家电……"),
    Column("数量", "quantity", True, "int"),
    Column("估价(元)", "estimated_value", False, "money"),
    Column("截止日期", "deadline", False, "deadline", "当天 24 点前有效"),
    Column("说明", "description", False, "text"),
)

_LABEL_SPLIT = re.compile(r"[,，、;；/\s]+")
_CN_GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}


def code_or_label(vocabulary: type[Vocabulary], value: str, what: str) -> str:
    """A vocabulary code from its code or its zh-CN label."""
    value = value.strip()
    by_label = {member.label: member.value for member in vocabulary}
    if value in by_label:
        return by_label[value]
    if value in {member.value for member in vocabulary}:
        return value
    raise CellError(f"unknown {what} “{value}” / 未知的{what}：{value}，可选：{'、'.join(by_label)}")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number Excel stored for a code column
    try:  # a cell the database cannot store is this row's error, whatever the API field's type
        return check_storable(str(value).strip())
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(f"not a date: “{text}” (use 2024-03-01) / 日期格式错误：{text}，应如 2024-03-01")


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = _text(value).replace("T", " ")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            try:
                moment = datetime.combine(_date(text), time())
            except CellError:
                raise CellError(
                    f"not a date and time: “{text}” (use 2024-03-01 09:30) / 时间格式错误：{text}"
                ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def convert(column: Column, value: Any) -> Any:
    """The API value for one cell (None when an optional cell is empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            raise CellError(f"{column.header} is required / {column.header}为必填项")
        return None
    kind = column.kind
    if kind in ("text", "code"):
        return _text(value).upper() if column.field == "id_number" else _text(value)
    if kind == "gender":
        return code_or_label(Gender, _text(value), "性别")
    if kind == "item":
        return code_or_label(ItemCategory, _text(value), "物品类别")
    if kind == "labels":
        labels = [part for part in _LABEL_SPLIT.split(_text(value)) if part]
        return sorted({code_or_label(RecipientCategory, label, "类别") for label in labels})
    if kind == "grade":
        text = _text(value)
        return _CN_GRADES.get(text, text)
    if kind == "date":
        return _date(value).isoformat()
    if kind == "datetime":
        return _datetime(value).isoformat()
    if kind == "deadline":  # the end of that day, China time
        return datetime.combine(_date(value), time(23, 59, 59), tzinfo=BEIJING).isoformat()
    if kind == "int":
        return _text(value)
    if kind == "money":
        try:
            return str(Decimal(_text(value).replace(",", "").removeprefix("¥")).quantize(Decimal("0.01")))
        except InvalidOperation:
            raise CellError(f"not an amount in yuan: “{value}” / 金额格式错误：{value}") from None
    raise AssertionError(kind)


def headers_missing(columns: tuple[Column, ...], headers: list[str]) -> list[str]:
    return [c.header for c in columns if c.required and c.header not in headers]


def column_of(columns: tuple[Column, ...], field: str) -> Column | None:
    return next((c for c in columns if c.field == field), None)
