from services.common.migrations import run_env
from services.case.models import Base

run_env(Base.metadata, schema="case")
