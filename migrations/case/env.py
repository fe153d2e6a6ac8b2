from services.case.models import Base
from services.common.migrations import run_env

run_env(Base.metadata, schema="case")
