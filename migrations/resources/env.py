from services.common.migrations import run_env
from services.resources.models import Base

run_env(Base.metadata, schema="resources")
