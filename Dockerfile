# One image for every process of the platform; the command picks the service.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY streaming ./streaming
COPY common ./common
COPY schema ./schema
COPY supergraph.yaml ./
RUN pip install . && useradd --system --uid 10001 app
USER app
EXPOSE 8080 5001 5002 5003 5004 5005 5006
# Examples: `python -m gateway serve --supergraph schema/supergraph.graphql`
#           `python -m subgraphs.users serve --host 0.0.0.0`
CMD ["python", "-m", "gateway", "serve", "--supergraph", "schema/supergraph.graphql"]
