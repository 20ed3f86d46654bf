# One image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPMODEL_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

RUN useradd --create-home --uid 1000 opmodel
WORKDIR /app
COPY . .
# Editable, so the code runs from /app, beside templates/ and static/ (settings find them there).
RUN pip install -e . \
    && mkdir -p /app/var /app/staticfiles \
    && chown opmodel:opmodel /app/var /app/staticfiles

USER opmodel
EXPOSE 8000
CMD ["gunicorn", "opmodel.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
