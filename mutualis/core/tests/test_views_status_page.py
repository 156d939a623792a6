"""The status page: « État du service » for people, in French; /healthz stays JSON for machines."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_footer_links_the_status_page_which_says_each_components_state(client):
    """The footer's « État du service » opens an HTML page (not JSON) naming the database, the cache, the task queue
    and the version, each with its state in words, and pointing machines to /healthz."""
    home = client.get("/").content.decode()
    assert 'href="/etat-du-service/">État du service</a>' in home and 'href="/healthz"' not in home
    response = client.get("/etat-du-service/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "<title>État du service — Mutualis</title>" in body
    assert "Tous les composants fonctionnent." in body
    for component in ("Base de données", "Cache", "File des tâches de fond", "Version de la plateforme"):
        assert component in body
    assert body.count("En service") == 3 and "0.1.0" in body
    assert 'href="/healthz"' in body
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.get("/healthz").json()["status"] == "ok"


def test_a_failing_cache_is_shown_and_answers_503(client, monkeypatch):
    """When the cache cannot be written (e.g. its table was never created), the page says so and answers 503."""
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise RuntimeError("no such table: cache_table")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/etat-du-service/")
    body = response.content.decode()
    assert response.status_code == 503
    assert "Au moins un composant est en difficulté" in body and "Erreur : RuntimeError" in body


@override_settings(TASKS=DATABASE_TASKS)
def test_the_task_queue_backlog_is_shown_and_a_stalled_worker_flagged(client):
    """With the database task queue, the page counts the waiting tasks; one waiting over ten minutes means the
    worker is stopped: 503. Recent failures are counted."""
    from django_tasks_db.models import DBTaskResult

    def task(**fields):
        return DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="mutualis.core.tasks.send_notification_emails",
            backend_name="default",
            run_after=timezone.now(),
            **fields,
        )

    body = client.get("/etat-du-service/").content.decode()
    assert "Aucune tâche en attente." in body

    waiting = task()
    task(status="FAILED", finished_at=timezone.now())
    response = client.get("/etat-du-service/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 tâche en attente." in body and "1 tâche en échec ces dernières 24 heures." in body

    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=11))
    response = client.get("/etat-du-service/")
    assert response.status_code == 503
    assert "le processus worker est-il démarré ?" in response.content.decode()
