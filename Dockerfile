# The policy-kg API. The steps are the README's install: a venv, `pip install .`, the `policykg` command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY policykg ./policykg
COPY graph ./graph
COPY ingest ./ingest
COPY queries ./queries
COPY api ./api
RUN python -m venv /app/.venv && /app/.venv/bin/pip install --no-cache-dir .
ENV PATH="/app/.venv/bin:$PATH" POLICYKG_DATA=/data
EXPOSE 8000
CMD ["policykg", "serve", "--host", "0.0.0.0", "--port", "8000"]
