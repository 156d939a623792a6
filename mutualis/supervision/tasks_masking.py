"""Masking a clip for the right of access (django-tasks, run by the worker): ffmpeg may take minutes on a long
segment, more than a web request may wait. The page shows the copy pending, then its preview."""

from django_tasks import task

from mutualis.core.context import audit_context
from mutualis.supervision.services.masking import masked_copy_process


@task()
def mask_video_copy(copy_id: int) -> str:
    """Mask the clip of one pending copy; its state says how it went."""
    with audit_context(origin="task:supervision.mask_video_copy", user_agent="task mask_video_copy"):
        copy = masked_copy_process(copy_id=copy_id)
    return copy.status if copy is not None else "withdrawn"
