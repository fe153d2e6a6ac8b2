"""Amounts in Chinese financial capitals (大写金额) for receipts, as the 支付结算办法 writes them."""

from decimal import Decimal

import pytest

from services.common.money import yuan_in_capitals

TABLE = [
    ("0.00", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.56", "伍角陆分"),
    ("1.00", "壹元整"),
    ("10.00", "壹拾元整"),
    ("16.00", "壹拾陆元整"),
    ("100.00", "壹佰元整"),
    ("1234.50", "壹仟贰佰叁拾肆元伍角"),
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("1409.02", "壹仟肆佰零玖元零贰分"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("10000.00", "壹万元整"),
    ("100010.00", "壹拾万零壹拾元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("325000.00", "叁拾贰万伍仟元整"),
    ("1000000.00", "壹佰万元整"),
    ("10010000.00", "壹仟零壹万元整"),
    ("100000000.00", "壹亿元整"),
    ("100000000.01", "壹亿元零壹分"),
    ("100000001.00", "壹亿零壹元整"),
    ("100001000.00", "壹亿零壹仟元整"),
    ("203000000.00", "贰亿零叁佰万元整"),
    ("1000000000000.00", "壹万亿元整"),
    ("-12.30", "负壹拾贰元叁角"),
]


@pytest.mark.parametrize(("figures", "capitals"), TABLE, ids=[row[0] for row in TABLE])
def test_amount_in_capitals(figures: str, capitals: str) -> None:
    assert yuan_in_capitals(Decimal(figures)) == capitals
