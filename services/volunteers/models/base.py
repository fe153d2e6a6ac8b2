from sqlalchemy.orm import DeclarativeBase

from services.common.database import service_metadata

SCHEMA = "volunteers"


class Base(DeclarativeBase):
    """The declarative base of the volunteers service: every table lives in the `volunteers` schema."""

    metadata = service_metadata(SCHEMA)
