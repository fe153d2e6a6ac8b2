from sqlalchemy.orm import DeclarativeBase

from services.common.database import service_metadata

SCHEMA = "resources"


class Base(DeclarativeBase):
    """The declarative base of the resources service: every table lives in the `resources` schema."""

    metadata = service_metadata(SCHEMA)
