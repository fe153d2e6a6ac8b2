from services.common.database import make_base

SCHEMA = "volunteers"
Base = make_base(SCHEMA)
