"""Personal-data keys: MultiFernet (first encrypts, all decrypt) and a hash key of its own."""

import pytest
from cryptography.fernet import InvalidToken

from services.common.personal_data import PersonalDataVault
from services.common.settings import DEV_PII_KEY, Settings


def test_the_single_key_setting_still_works() -> None:
    old = PersonalDataVault("only-key")
    vault = PersonalDataVault.from_settings(Settings(pii_key="only-key"))
    assert vault.decrypt(old.encrypt("150781")) == "150781"
    assert vault.keyed_hash("x") == old.keyed_hash("x")


def test_first_key_encrypts_every_key_decrypts() -> None:
    a = PersonalDataVault("a")
    both = PersonalDataVault.from_settings(Settings(pii_keys="b, a", pii_key="a"))
    token = a.encrypt("13812345678")
    assert both.decrypt(token) == "13812345678" and not both.is_current(token)
    rotated = both.rotate(token)
    assert both.is_current(rotated) and PersonalDataVault("b").decrypt(rotated) == "13812345678"
    with pytest.raises(InvalidToken):
        PersonalDataVault("a").decrypt(both.encrypt("new"))


def test_the_hash_key_is_separate_and_does_not_rotate() -> None:
    before = PersonalDataVault.from_settings(Settings(pii_key="a"))
    after = PersonalDataVault.from_settings(Settings(pii_keys="b", pii_hash_key="a"))
    assert after.keyed_hash("15078119480305123X") == before.keyed_hash("15078119480305123X")
    assert PersonalDataVault("b").keyed_hash("x") != after.keyed_hash("x")


@pytest.mark.parametrize(
    "keys",
    [
        {"pii_keys": f"new,{DEV_PII_KEY}", "pii_hash_key": "h"},
        {"pii_keys": "new"},  # the hash would still come from the development key
    ],
)
def test_production_refuses_the_development_key_anywhere(keys: dict[str, str]) -> None:
    settings = Settings(environment="production", jwks_url="https://id.example/jwks", ticket_key="t", **keys)
    with pytest.raises(RuntimeError, match="PII"):
        settings.require_production_secrets()


def test_production_accepts_rotated_keys() -> None:
    Settings(
        environment="production", jwks_url="https://id.example/jwks", ticket_key="t", pii_keys="b,a", pii_hash_key="a"
    ).require_production_secrets()
