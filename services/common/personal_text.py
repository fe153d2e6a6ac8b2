"""Personal data in free text that outsiders read (proof notes, feedback, wish, pledge and offer titles).

One detector for every service. It finds resident ID numbers (18 characters with a valid GB 11643
check character and birth date; 15-digit first-generation numbers with a valid birth date),
mainland mobile numbers (1[3-9] and nine digits, optionally after +86, with spaces or dashes
anywhere between the digits), and — where the service knows them — the recipient's own name
(and guardian's) and address. The text is read as written and also after NFKC (full-width
digits) with every Unicode decimal digit read as its ASCII digit.

An address counts as named when the text holds any six consecutive characters of it that come
after its first six (what the masked view shows), spaces and punctuation ignored: "幸福小区3号楼"
of "满洲里市东山街道幸福小区3号楼" is refused, and so is "满洲里市东山街道" of a longer address that
spells out the province first (a township is below the county, which is all the feed says of a
place); "满洲里市" or "3号楼" alone are not.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.common.errors import DomainError
from services.common.personal_data import is_valid_id_number

_SEP = r"[ \-\u2010-\u2015\u00a0]?"  # one optional space or dash between digits
_PHONE = re.compile(rf"(?<![0-9])(?:\+?86{_SEP})?(1{_SEP}[3-9](?:{_SEP}[0-9]){{9}})(?![0-9])")
_ID_18 = re.compile(rf"(?<![0-9])([1-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx])(?![0-9])")
_ID_15 = re.compile(rf"(?<![0-9])([1-9](?:{_SEP}[0-9]){{14}})(?![0-9Xx])")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_ADDRESS_WINDOW = 6
_ADDRESS_PUBLIC_PREFIX = 6
_GUARDIAN_MARK = re.compile(r"[（(].*?[)）]")

# Province-level codes of GB/T 2260 (11 Beijing … 65 Xinjiang, 71 Taiwan, 81/82 Hong Kong/Macao).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

KIND_EN = {
    "id_number": "an ID number",
    "phone": "a phone number",
    "name": "the recipient's name",
    "address": "the recipient's address",
}
KIND_ZH = {"id_number": "身份证号", "phone": "手机号", "name": "服务对象姓名", "address": "服务对象住址"}


@dataclass(frozen=True)
class Finding:
    kind: str  # id_number | phone | name | address


class PersonalDataInText(DomainError):
    status, code, title = 422, "PERSONAL_DATA_IN_TEXT", "Personal data in text"


def _digits_read(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _compact(value: str) -> str:
    return re.sub(r"[^0-9Xx]", "", value).upper()


def _valid_legacy_id(number: str) -> bool:
    if number[:2] not in _PROVINCES:
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def _squeezed(text: str) -> str:
    return _DROP.sub("", _digits_read(text))


def names_to_check(name: str | None, guardian: str | None = None) -> list[str]:
    """The recipient's full name, the given name when it has two characters or more, and the
    guardian's name as consent records it ("张三（监护人）")."""
    found: list[str] = []
    for full in (name, _GUARDIAN_MARK.sub("", guardian or "")):
        full = _squeezed(full or "")
        if not full or full == "本人":
            continue
        found.append(full)
        if len(full) >= 3:
            found.append(full[1:])
    return found


def find_personal_data(text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> list[Finding]:
    """What personal data the text carries, by kind (empty when none)."""
    read = _digits_read(text)
    found: list[Finding] = []
    if any(is_valid_id_number(_compact(m.group(1))) for m in _ID_18.finditer(read)) or any(
        _valid_legacy_id(_compact(m.group(1))) for m in _ID_15.finditer(read)
    ):
        found.append(Finding("id_number"))
    if _PHONE.search(read):
        found.append(Finding("phone"))
    squeezed = _DROP.sub("", read)
    if any(len(name) >= 2 and name in squeezed for name in names):
        found.append(Finding("name"))
    for address in addresses:
        tail = _squeezed(address)[_ADDRESS_PUBLIC_PREFIX:]
        windows = (tail[i : i + _ADDRESS_WINDOW] for i in range(max(len(tail) - _ADDRESS_WINDOW + 1, 0)))
        if any(window in squeezed for window in windows):
            found.append(Finding("address"))
            break
    return found


def ensure_no_personal_data(
    field: str, text: str | None, *, names: Iterable[str] = (), addresses: Iterable[str] = ()
) -> None:
    """Refuse (422 PERSONAL_DATA_IN_TEXT, naming the field and what was found) text carrying personal data."""
    if not text:
        return
    found = find_personal_data(text, names=list(names), addresses=list(addresses))
    if not found:
        return
    kinds = [f.kind for f in found]
    raise PersonalDataInText(
        f"`{field}` is shown to outsiders and must not contain {', '.join(KIND_EN[k] for k in kinds)}.",
        f"“{field}”会公开展示，不得包含{'、'.join(KIND_ZH[k] for k in kinds)}。",
        field=field,
        found=kinds,
    )
