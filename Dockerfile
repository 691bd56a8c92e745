# The civicmesh service. Build: docker build -t civicmesh .
FROM node:20-slim AS explorer
WORKDIR /src/explorer
COPY explorer/package.json explorer/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY explorer/ ./
RUN mkdir -p ../service/static/explore && npm run build

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# CJK fonts, so that report plots (matplotlib) can draw Chinese area names.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph_schema ./graph_schema
COPY loaders ./loaders
COPY resolvers ./resolvers
COPY analytics ./analytics
COPY service ./service
COPY --from=explorer /src/service/static/explore ./service/static/explore
COPY schema.graphql ./schema.graphql
RUN pip install . && useradd --system --home /data civicmesh \
    && mkdir -p /data /secrets && chown civicmesh /data /secrets && chmod 700 /secrets
USER civicmesh
# Serving on 0.0.0.0 needs tokens (README "Users, roles and tokens"): an HS256 secret, made on
# first start in /secrets (mount a volume there to keep it), unless CIVICMESH_JWT_SECRET is
# given; mint tokens with `civicmesh token`.  For the city's identity provider instead, set
# CIVICMESH_JWKS and CIVICMESH_JWT_SECRET_FILE= (empty).
ENV CIVICMESH_STORE=/data/civicmesh.sqlite CIVICMESH_JWT_SECRET_FILE=/secrets/jwt-secret
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz').status == 200 else 1)"
CMD ["sh", "-c", "if [ -n \"$CIVICMESH_JWT_SECRET_FILE\" ] && [ -z \"$CIVICMESH_JWT_SECRET\" ]; then civicmesh secret --file \"$CIVICMESH_JWT_SECRET_FILE\" || exit 1; fi; exec civicmesh serve --host 0.0.0.0 --port 8000"]
