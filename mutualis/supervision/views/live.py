"""Live view and playback pages (/supervision/cameras/…, /supervision/enregistrements/<id>/lecture/): for the
people habilitated for a site's images (supervision operators, and mayors or municipal police for their own
commune's sites); every viewing session and playback, with its reason, goes into the access register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mutualis.accounts.types import User, signed_in
from mutualis.core.formviews import form_status, submit_form
from mutualis.core.ranges import ranged_file_response
from mutualis.core.validation import parse_id
from mutualis.supervision.forms_live import LiveReasonForm, PlayReasonForm, RecordingFilterForm
from mutualis.supervision.models.evidence import Recording
from mutualis.supervision.permissions import is_supervision_operator
from mutualis.supervision.rules import MAX_RETENTION_DAYS
from mutualis.supervision.selectors import live as selectors
from mutualis.supervision.selectors.evidence import image_sites
from mutualis.supervision.services import live as services

PAGE_SIZE = 50
NO_STORE = "private, no-store, max-age=0"


def _viewer(request: HttpRequest) -> User:
    user = signed_in(request.user)
    if user is None:  # a disabled account with a session still open
        raise PermissionDenied
    return user


# --- Cameras -----------------------------------------------------------------------------------------------------


@login_required
def camera_list_view(request: HttpRequest) -> HttpResponse:
    """/supervision/cameras/: the cameras the user is habilitated to watch, searchable, with their live view and
    recordings."""
    q = request.GET.get("q", "").strip()[:100]
    site = parse_id(request.GET.get("site"))
    cameras = selectors.camera_list(user=request.user, q=q, site=site)
    page = Paginator(cameras, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"camera": c, "live": bool(services.live_source_url(c))} for c in page.object_list]
    sites = image_sites(user=request.user) if is_supervision_operator(request.user) else []
    context = {"page": page, "rows": rows, "q": q, "site": site, "sites": sites}
    return render(request, "supervision/live/camera_list.html", context)


# --- Live view ---------------------------------------------------------------------------------------------------


@login_required
def live_view(request: HttpRequest, pk: int) -> HttpResponse:
    """/supervision/cameras/<id>/direct/: the reason first (it opens a logged viewing session), then the camera's
    current picture, refreshed about once a second while the session lasts."""
    user = _viewer(request)
    camera = selectors.camera_get(user=user, pk=pk)
    services.require_camera_images(user, camera)
    token = request.GET.get("session", "")
    session = services.live_session_open(token=token, device=camera, user=user) if token else None
    context = {"camera": camera, "available": bool(services.live_source_url(camera))}
    if session is not None:
        context |= {
            "session": session,
            "frame_url": reverse("supervision:live_frame", args=[camera.pk]),
            "end_url": reverse("supervision:live_end", args=[camera.pk]),
            "seconds": services.live_seconds(),
        }
        response = render(request, "supervision/live/live.html", context)
        response["Cache-Control"] = NO_STORE
        return response
    form = LiveReasonForm(request.POST or None)

    def start() -> HttpResponse:
        opened = services.live_view_start(device=camera, reason=form.cleaned_data["reason"], acting_user=user)
        return redirect(reverse("supervision:live", args=[camera.pk]) + f"?session={opened.token}")

    response = submit_form(request, form, start) if context["available"] else None
    if response is not None:
        return response
    context |= {"form": form, "expired": bool(token)}
    return render(request, "supervision/live/live.html", context, status=form_status(request, form))


@login_required
def live_frame_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The camera's current picture for the viewer's open session (habilitation checked on every frame), never
    cached; 403 once the session is over or the habilitation gone, 502 when the camera gives nothing."""
    user = _viewer(request)
    camera = selectors.camera_get(user=user, pk=pk)
    try:
        body, content_type = services.live_frame(device=camera, token=request.GET.get("session", ""), acting_user=user)
    except services.LiveUnavailable:
        response = HttpResponse(status=502)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = NO_STORE
    return response


@login_required
@require_POST
def live_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End a viewing session (the « Arrêter » button, or the page telling it is left or has run out): logged once."""
    user = _viewer(request)
    camera = selectors.camera_get(user=user, pk=pk)
    why = request.POST.get("why", "stop")
    services.live_view_end(
        device=camera,
        token=request.POST.get("session", ""),
        acting_user=user,
        why=why if why in services.LIVE_END_REASONS else "stop",
    )
    if request.POST.get("beacon"):
        return HttpResponse(status=204)
    messages.success(request, _("Visionnage en direct terminé ; il est inscrit au registre des accès."))
    return redirect("supervision:camera_list")


# --- Recordings and playback -------------------------------------------------------------------------------------


@login_required
def camera_recordings_view(request: HttpRequest, pk: int) -> HttpResponse:
    """/supervision/cameras/<id>/enregistrements/: the camera's recordings still kept, over a period."""
    user = _viewer(request)
    camera = selectors.camera_get(user=user, pk=pk)
    services.require_camera_images(user, camera)
    form = RecordingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    recordings = selectors.camera_recordings(user=user, device=camera, **filters)
    context = {
        "camera": camera,
        "form": form,
        "page": Paginator(recordings, PAGE_SIZE).get_page(request.GET.get("page")),
        "max_retention": MAX_RETENTION_DAYS,
        "live": bool(services.live_source_url(camera)),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "supervision/live/recordings.html", context, status=status)


@login_required
def recording_play_view(request: HttpRequest, pk: int) -> HttpResponse:
    """/supervision/enregistrements/<id>/lecture/: the reason first (logged), then the player."""
    user = _viewer(request)
    recording = selectors.recording_get(user=user, pk=pk)
    services.require_camera_images(user, recording.device)
    token = request.GET.get("jeton", "")
    context = {"recording": recording, "camera": recording.device}
    if token and services.playback_allowed(token=token, recording=recording, user=user):
        stream_url = reverse("supervision:recording_media", args=[recording.pk]) + f"?jeton={token}"
        response = render(request, "supervision/live/play.html", context | {"stream_url": stream_url})
        response["Cache-Control"] = NO_STORE
        return response
    form = PlayReasonForm(request.POST or None)

    def play() -> HttpResponse:
        signed = services.recording_play(recording=recording, reason=form.cleaned_data["reason"], acting_user=user)
        return redirect(reverse("supervision:recording_play", args=[recording.pk]) + f"?jeton={signed}")

    response = submit_form(request, form, play)
    if response is not None:
        return response
    context |= {"form": form, "expired": bool(token)}
    return render(request, "supervision/live/play.html", context, status=form_status(request, form))


@login_required
def recording_media_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The recording's bytes for a playback just logged (signed token, habilitation checked on every request),
    with HTTP Range requests (the browser seeks with them): 206 for a range, 416 outside the file."""
    user = _viewer(request)
    recording: Recording = selectors.recording_get(user=user, pk=pk)
    if not services.playback_allowed(token=request.GET.get("jeton", ""), recording=recording, user=user):
        raise PermissionDenied
    response = ranged_file_response(request, recording.file, recording.content_type)
    response["Cache-Control"] = NO_STORE
    return response
