from sqlalchemy.orm import DeclarativeBase

from services.common.database import service_metadata

SCHEMA = "case"


class Base(DeclarativeBase):
    """The declarative base of the case service: every table lives in the `case` schema."""

    metadata = service_metadata(SCHEMA)
