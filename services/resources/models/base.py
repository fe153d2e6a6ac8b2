from services.common.database import make_base

SCHEMA = "resources"
Base = make_base(SCHEMA)
