# wuchang: the bot, the HTTP app (/healthz, webhooks, 公开栏) and the scheduler in one process.
# Build: docker build -t wuchang .   Run with PostgreSQL: docker compose up -d (compose.yaml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WUCHANG_HTTP_HOST=0.0.0.0 \
    WUCHANG_HTTP_PORT=8080 \
    WUCHANG_DATABASE_URL=sqlite+aiosqlite:////data/wuchang.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY handlers ./handlers
COPY schedules ./schedules
COPY storage ./storage
RUN pip install '.[pg]' \
    && useradd --system --home-dir /data --create-home wuchang

# The rules and holiday files (wuchang.toml, holidays.toml) and a SQLite database live here.
WORKDIR /data
VOLUME ["/data"]
USER wuchang
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]

CMD ["wuchang", "run"]
