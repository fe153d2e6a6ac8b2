"""A service's PERSONAL_DATA_IN_TEXT reaches GraphQL typed: a union member's code, or a top-level code."""

from gateway.clients.base import UpstreamError
from gateway.errors import from_upstream
from gateway.outcomes import refusal
from gateway.types.common import InvalidInput

PROBLEM = {
    "status": 422,
    "code": "PERSONAL_DATA_IN_TEXT",
    "detail": "`proof_note` is shown to outsiders and must not contain a phone number.",
    "detail_zh": "“proof_note”会公开展示，不得包含手机号。",
    "field": "proof_note",
    "found": ["phone"],
}


def test_a_mutation_result_names_the_code_and_field() -> None:
    result = refusal(UpstreamError("case", 422, PROBLEM))
    assert isinstance(result, InvalidInput)
    assert (result.code, result.fields) == ("PERSONAL_DATA_IN_TEXT", ["proof_note"])
    assert result.message_zh.startswith("“proof_note”")


def test_a_validation_failure_keeps_its_fields_and_code() -> None:
    problem = {"code": "VALIDATION_FAILED", "detail": "x", "errors": [{"loc": ["body", "title"], "msg": "m"}]}
    result = refusal(UpstreamError("case", 422, problem))
    assert isinstance(result, InvalidInput) and (result.code, result.fields) == ("VALIDATION_FAILED", ["title"])


def test_a_top_level_error_keeps_the_code() -> None:
    error = from_upstream(UpstreamError("case", 422, PROBLEM))
    assert error.extensions is not None
    assert error.extensions["code"] == "PERSONAL_DATA_IN_TEXT"
    assert (error.extensions["field"], error.extensions["found"]) == ("proof_note", ["phone"])
