# CIN Hub: the `hub` command (topics, connectors, worker) on Python 3.11.
# Build: docker build -t cin-hub .    Run: docker run --rm cin-hub topics list
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HUB_HOME=/app

WORKDIR /app

# Dependencies and package first, so editing topics.yaml or schemas does not reinstall them.
COPY pyproject.toml README.md ./
COPY hub ./hub
COPY connectors ./connectors
# psycopg: the PostgreSQL driver behind HUB_DATABASE_URL=postgresql+psycopg://...
RUN pip install . "psycopg[binary]>=3.2,<4"

COPY topics.yaml ./
COPY schemas ./schemas

# Not root. HUB_HOME/.hub holds local state (only used without HUB_DATABASE_URL).
RUN useradd --create-home --uid 10001 hub \
    && mkdir -p /app/.hub \
    && chown hub:hub /app/.hub
USER hub

ENTRYPOINT ["hub"]
CMD ["--help"]
