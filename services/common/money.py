"""Money is Decimal yuan with two places, never float; quantities are integers."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field

Yuan = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=Decimal("0"))]
PositiveYuan = Annotated[Decimal, Field(max_digits=14, decimal_places=2, gt=Decimal("0"))]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
