"""Token claims become a Principal only when they name someone and a region in ASCII digits."""

from typing import Any

import pytest

from services.common.auth import Principal
from services.common.errors import Unauthenticated
from services.common.vocabulary import Role


def claims(**overrides: Any) -> dict[str, Any]:
    return {"sub": "station-worker", "role": "station_staff", "region": "150781", **overrides}


class TestSubject:
    def test_a_subject_is_kept_as_it_is(self) -> None:
        principal = Principal.from_claims(claims())
        assert principal.subject == "station-worker" and principal.role is Role.STATION_STAFF

    @pytest.mark.parametrize("subject", ["", " ", "\u3000", "\t"])
    def test_an_empty_subject_is_refused(self, subject: str) -> None:
        with pytest.raises(Unauthenticated) as refused:
            Principal.from_claims(claims(sub=subject))
        assert refused.value.code == "UNAUTHENTICATED" and "sub" in refused.value.detail

    def test_a_missing_subject_is_refused(self) -> None:
        body = claims()
        del body["sub"]
        with pytest.raises(Unauthenticated):
            Principal.from_claims(body)

    @pytest.mark.parametrize("subject", [None, 42, ["a"], "a\x00b", "x" * 201])
    def test_a_subject_that_cannot_name_anyone_is_refused(self, subject: Any) -> None:
        with pytest.raises(Unauthenticated):
            Principal.from_claims(claims(sub=subject))


class TestRegion:
    @pytest.mark.parametrize("region", ["", "15", "150781001"])
    def test_ascii_digits_or_nothing(self, region: str) -> None:
        assert Principal.from_claims(claims(region=region)).region == region

    @pytest.mark.parametrize("region", ["١٥", "15٠٧", "²", "１５", "15 ", "15\n", "-15"])
    def test_other_digits_are_refused(self, region: str) -> None:
        with pytest.raises(Unauthenticated):
            Principal.from_claims(claims(region=region))
