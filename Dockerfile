# The panel's image: web (gunicorn), worker, beat and the sandboxes all run from it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home panel && mkdir -p /app/var /app/staticfiles && chown -R panel /app/var /app/staticfiles
USER panel
EXPOSE 8000
CMD ["gunicorn", "panel.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--logger-class", "panel.gunicorn_logging.RedactingLogger"]
