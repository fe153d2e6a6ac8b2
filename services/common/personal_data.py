"""Personal data: validation (GB 11643 ID numbers, mainland mobile numbers), masking, and
protection at rest (Fernet encryption plus a keyed hash to find duplicates without decrypting).
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.settings import Settings

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# ASCII digits only ("\d" would take Arabic-Indic and other digits, which int() reads as well, so
# one person could be registered twice), matched in full (a "$" would let a trailing newline in).
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9Xx]$"
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_PHONE = re.compile(PHONE_PATTERN.removeprefix("^").removesuffix("$"))


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(value: str) -> bool:
    """18-character resident ID (GB 11643): digits, a real birth date and the right check character."""
    value = value.upper()
    if not _ID_NUMBER.fullmatch(value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_check_character(value[:17]) == value[17]


def birth_date_from_id(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def is_valid_phone(value: str) -> bool:
    """A mainland mobile number (11 digits from 13x-19x) or a landline with area code."""
    return bool(_PHONE.fullmatch(value))


def mask_name(name: str) -> str:
    """王小明 -> 王**; keeps the family name only."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def mask_id_number(value: str) -> str:
    """150781195001011234 -> 150***********1234."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678."""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "*" * len(value)


def mask_address(address: str) -> str:
    """Keeps the first six characters (district level), hides the rest."""
    return address[:6] + "****" if len(address) > 6 else "****"


class PersonalDataVault:
    """Encrypts sensitive fields at rest and hashes identifiers for duplicate checks.

    Encryption is Fernet under a list of keys (`MultiFernet`): the first encrypts, every one
    decrypts, so a new key can be put first and the old ones dropped once `wushe rotate-pii-key`
    has re-encrypted every column. The keyed hash has a key of its own (`hash_key`; by default
    the first key, as when there was only one) and never rotates: every stored hash would change.
    """

    def __init__(self, keys: str | Sequence[str], hash_key: str | None = None) -> None:
        keys = [keys] if isinstance(keys, str) else list(keys)
        if not keys:
            raise ValueError("at least one personal-data key")
        self._primary = _fernet(keys[0])
        self._fernet = MultiFernet([_fernet(key) for key in keys])
        self._hash_key = hashlib.sha256(("hash:" + (hash_key or keys[0])).encode()).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> "PersonalDataVault":
        return cls(settings.encryption_keys, hash_key=settings.hash_key)

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def is_current(self, token: str) -> bool:
        """Whether the token is encrypted under the first key (nothing to rotate)."""
        try:
            self._primary.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """The same plaintext under the first key (any key of the list may have encrypted it)."""
        return self._fernet.rotate(token.encode()).decode()

    def keyed_hash(self, value: str) -> str:
        """HMAC-SHA256: equal inputs give equal hashes, but the hash reveals nothing without the key."""
        return hmac.new(self._hash_key, value.upper().encode(), hashlib.sha256).hexdigest()


def _fernet(key: str) -> Fernet:
    # A passphrase of any length, stretched to a Fernet key as it always was.
    digest = hashlib.sha256(("encrypt:" + key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def request_vault(request: Request) -> PersonalDataVault:
    """FastAPI dependency: the app's vault, keyed by the settings' PII keys (built once per app)."""
    state = request.app.state
    vault: PersonalDataVault | None = getattr(state, "vault", None)
    if vault is None:
        vault = state.vault = PersonalDataVault.from_settings(state.settings)
    return vault


Vault = Annotated[PersonalDataVault, Depends(request_vault)]


def session_vault(session: AsyncSession) -> PersonalDataVault:
    """The app's vault, which the request's unit of work put on its session (`session.info`)."""
    vault: PersonalDataVault = session.info["vault"]
    return vault
