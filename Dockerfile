# The marketplace as one image: `marketplace serve` by default; the same image runs `marketplace migrate`,
# `consume ...` and `work ...` (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the package is built from: no .services/, tests or caches end up in the image.
COPY pyproject.toml README.md ./
COPY core ./core
COPY ports ./ports
COPY adapters ./adapters
COPY entrypoints ./entrypoints
COPY config ./config
RUN pip install '.[otlp]' \
    && useradd --system --no-create-home marketplace

USER marketplace
EXPOSE 8080
CMD ["marketplace", "serve", "--host", "0.0.0.0", "--port", "8080"]
