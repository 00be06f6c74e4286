"""Check characters of Chinese identifiers (`domain.md` §2, §3)."""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015: (31 - Σ value·3^(i-1) mod 31) mod 31, as a character of the alphabet."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def resident_id_check_char(first17: str) -> str:
    """GB 11643-1999, ISO 7064 MOD 11-2."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_is_valid(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return resident_id_check_char(number[:17]) == number[17]
