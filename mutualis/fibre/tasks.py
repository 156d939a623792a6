"""Background work of the fibre app (django-tasks, run by the worker): imports of uploaded operator files."""

from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.fibre.models import FibreImport
from mutualis.fibre.services.imports import import_run


@task()
def run_fibre_import(import_id: int) -> str:
    """Run an uploaded import to its end; returns its final status. Running it again does nothing more (the
    import is claimed once, see services.imports.import_run)."""
    fibre_import = FibreImport.objects.filter(pk=import_id).first()
    if fibre_import is None:
        return "missing"
    with audit_context(origin="task:fibre_import"):
        return import_run(fibre_import=fibre_import).status
