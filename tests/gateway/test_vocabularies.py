"""Every code-valued field of the graph is an enum, and every enum is in `vocabularies` with zh-CN labels."""

import re

from graphql import GraphQLEnumType

from gateway.schema import build_schema
from services.common.settings import Settings

CJK = re.compile(r"[\u4e00-\u9fff]")
QUERY = "{ vocabularies { name terms { code label name } } }"


def test_every_enum_of_the_graph_is_a_vocabulary_with_chinese_labels() -> None:
    schema = build_schema(Settings(environment="test"))
    result = schema.execute_sync(QUERY)
    assert result.errors is None, result.errors
    listed = {v["name"]: v["terms"] for v in result.data["vocabularies"]}
    enums = {
        name: t
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLEnumType) and not name.startswith("__")
    }
    assert set(listed) == set(enums)
    for name, enum in enums.items():
        assert [term["name"] for term in listed[name]] == list(enum.values), name
        unlabelled = [term["code"] for term in listed[name] if not CJK.search(term["label"])]
        assert unlabelled == [], f"{name} has codes without a zh-CN label: {unlabelled}"
