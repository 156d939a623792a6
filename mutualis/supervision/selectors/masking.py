"""Reads of the masking pages, taking the user: the files an access request hands over, each with its masked copy."""

from dataclasses import dataclass

from django.http import Http404

from mutualis.accounts.types import Viewer
from mutualis.supervision.models.evidence import AccessRequest, Recording
from mutualis.supervision.models.masking import MaskedCopy
from mutualis.supervision.services.access_requests import recordings_concerned


@dataclass
class MaskingTarget:
    """A file of the export: the recording and the masked copy that replaces it, if any."""

    recording: Recording
    copy: MaskedCopy | None


def masking_targets(*, user: Viewer, access_request: AccessRequest) -> list[MaskingTarget]:
    """The recordings an access grant would hand over (the request already checked visible), with their copies."""
    copies = {
        c.recording_id: c
        for c in MaskedCopy.objects.visible_to(user).filter(access_request=access_request).select_related("created_by")
    }
    return [MaskingTarget(recording=r, copy=copies.get(r.pk)) for r in recordings_concerned(access_request)]


def masking_target_get(*, user: Viewer, access_request: AccessRequest, pk: int) -> MaskingTarget:
    """One file of the request's export, or 404 (another request's recording included)."""
    for target in masking_targets(user=user, access_request=access_request):
        if target.recording.pk == pk:
            return target
    raise Http404


def masked_copies_of(*, user: Viewer, access_request: AccessRequest) -> list[MaskedCopy]:
    """The copies made for a request (those handed over once it is granted), oldest first."""
    return list(
        MaskedCopy.objects.visible_to(user)
        .filter(access_request=access_request)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
