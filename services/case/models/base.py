from services.common.database import make_base

SCHEMA = "case"
Base = make_base(SCHEMA)
