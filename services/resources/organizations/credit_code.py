"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, last is a check."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """18 characters from the GB 32100 alphabet, digits for the region part, right check char."""
    if len(code) != 18 or any(char not in ALPHABET for char in code):
        return False
    if not code[2:8].isdigit():
        return False
    return check_character(code[:17]) == code[17]
