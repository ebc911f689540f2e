# One image for every process of the platform; the command picks the service.
# Stage 1 builds wheels (compilers stay here); stage 2 installs them into a slim, non-root image.
# NATIVE=1 (the default) compiles the gateway executor's hot modules with mypyc first
# (infra/native.py; the wheel then carries them beside their sources, which stay the fallback;
# tests/gateway/executor/test_native.py builds and tests that wheel); NATIVE=0 builds pure Python.
FROM python:3.11-slim AS build
ARG NATIVE=1
ARG MYPY_VERSION=2.4.1
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN if [ "$NATIVE" = 1 ]; then apt-get update -qq \
      && apt-get install -y -qq --no-install-recommends gcc libc6-dev \
      && rm -rf /var/lib/apt/lists/* && pip install "mypy==$MYPY_VERSION" setuptools; fi
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY streaming ./streaming
COPY common ./common
COPY infra/__init__.py infra/native.py ./infra/
RUN if [ "$NATIVE" = 1 ]; then pip install . && python -m infra.native build; fi
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

# The storefront: the web app built from its lock file (codegen against the supergraph, the
# persisted-operations manifest's ids; `npm run build` = codegen, tsc, vite build), then nginx
# serving it: the public entry point in compose (infra/nginx/gateway.conf mounted over the
# default, /graphql to the gateway) and the storefront's pods in Kubernetes (storefront.conf).
# Build with `docker build --target storefront -t federated-shop-storefront .`
FROM node:22-bookworm-slim AS storefront-build
WORKDIR /src/storefront
COPY storefront/package.json storefront/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema/supergraph.graphql schema/persisted-query-manifest.json /src/schema/
COPY storefront/index.html storefront/vite.config.ts storefront/codegen.ts storefront/tsconfig.json ./
COPY storefront/src ./src
RUN npm run build

FROM nginx:1.27 AS storefront
COPY infra/nginx/storefront-static.conf /etc/nginx/storefront-static.conf
COPY infra/nginx/storefront.conf /etc/nginx/conf.d/default.conf
COPY --from=storefront-build /src/storefront/dist /usr/share/nginx/html
# 8080 in Kubernetes (storefront.conf, probed at /healthz), 80 as compose's load balancer.
EXPOSE 8080 80
