from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a Celery worker that takes background work from Redis (COPRODUCE_REDIS_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes (default 2).")
        parser.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"], help="Celery pool (default prefork).")

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            raise CommandError("Set COPRODUCE_REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it, background work runs in-process and needs no worker.")
        from config.celery import app

        app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={options['concurrency']}", f"--pool={options['pool']}"])
