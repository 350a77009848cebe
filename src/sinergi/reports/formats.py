"""Numbers, shares and dates written the Indonesian way: 1.234.567; 12,5%; 6 Mei 2024."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip


def id_number(value: int | float) -> str:
    """Examples:
    >>> id_number(1234567), id_number(1234.5)
    ('1.234.567', '1.234,5')
    """
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def id_decimal(value: float, digits: int = 2, *, signed: bool = False) -> str:
    """A number with a fixed count of decimals and a decimal comma, without grouping.

    Examples:
        >>> id_decimal(14.1734), id_decimal(-0.5, 1), id_decimal(2.0, signed=True)
        ('14,17', '-0,5', '+2,00')
    """
    return f"{value:{'+' if signed else ''}.{digits}f}".replace(".", ",")


def id_percent(share: float, digits: int = 1) -> str:
    """Examples:
    >>> id_percent(0.125)
    '12,5%'
    """
    return f"{share * 100:.{digits}f}%".replace(".", ",")


def id_rupiah(amount: float | Decimal) -> str:
    """Whole rupiah, rounded half up.

    Examples:
        >>> id_rupiah(Decimal("4032000000.50")), id_rupiah(200000)
        ('Rp4.032.000.001', 'Rp200.000')
    """
    whole = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"Rp{id_number(int(whole))}"


def id_date(day: date) -> str:
    """Examples:
    >>> id_date(date(2024, 5, 6))
    '6 Mei 2024'
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
