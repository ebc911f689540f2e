# One image for every process of the platform; the command picks the service.
# Stage 1 builds wheels (compilers stay here); stage 2 installs them into a slim, non-root image.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY streaming ./streaming
COPY common ./common
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HEALTHCHECK_URL=http://127.0.0.1:8080/health
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels && useradd --system --uid 10001 app
COPY schema ./schema
COPY supergraph.yaml ./
USER app
EXPOSE 8080 5001 5002 5003 5004 5005 5006
# Each service sets HEALTHCHECK_URL to its own /health (the gateway's is the default).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTHCHECK_URL'], timeout=2)"]
# Examples: `python -m gateway serve --supergraph schema/supergraph.graphql`
#           `python -m subgraphs.users serve --host 0.0.0.0`
CMD ["python", "-m", "gateway", "serve", "--supergraph", "schema/supergraph.graphql"]

# The nightly backup job's image (infra/k8s/backup.yaml): the runtime plus pg_dump and the
# backup tool. Build with `docker build --target backup -t federated-shop-backup .`
FROM runtime AS backup
USER root
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* && pip install boto3
COPY infra/__init__.py ./infra/__init__.py
COPY infra/backup ./infra/backup
USER app
HEALTHCHECK NONE
CMD ["python", "-m", "infra.backup", "backup", "--upload", "--dir", "/backups"]
