"""The citizen portal (/donnees/: home, search, dataset pages, API page) and the open-data files (/opendata/:
the resources and the DCAT-AP catalogue). Public: no login."""

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mutualis.opendata import registry, selectors, tasks, writers
from mutualis.opendata.dcat import catalog_graph
from mutualis.opendata.forms import DatasetSearchForm

TEMPLATES = "opendata/"
PER_PAGE = 20


def absolute(path: str) -> str:
    """The public URL of a path of this site (SITE_ROOT): stable identifiers, whatever Host a request named."""
    return settings.SITE_ROOT.rstrip("/") + path


def _search(request: HttpRequest) -> tuple[DatasetSearchForm, list[registry.Dataset], bool]:
    form = DatasetSearchForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    found = selectors.dataset_list(filters=form.cleaned_data if form.is_bound and valid else {})
    return form, found, valid


@require_GET
def portal_home_view(request: HttpRequest) -> HttpResponse:
    """The portal's home: the apps' widgets (coverage map, live charging map), the search and every dataset."""
    form = DatasetSearchForm()
    context = {
        "form": form,
        "widgets": registry.render_portal_widgets(request),
        "datasets": registry.datasets(),
        "publisher": registry.publisher(),
    }
    return render(request, TEMPLATES + "home.html", context)


@require_GET
def dataset_list_view(request: HttpRequest) -> HttpResponse:
    """Datasets found by words, theme, commune and format, paginated."""
    form, found, valid = _search(request)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "valid": valid}
    return render(request, TEMPLATES + "dataset_list.html", context, status=200 if valid else 400)


def _download(dataset: registry.Dataset, resource: registry.Resource, stored: Any) -> dict[str, Any]:
    return {
        "resource": resource,
        "url": reverse("opendata:file", args=[resource.filename]),
        "absolute_url": absolute(reverse("opendata:file", args=[resource.filename])),
        "stored": stored,
    }


@require_GET
def dataset_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A dataset: its metadata, downloads (size, SHA-256, validation), last generation and its first rows."""
    dataset = registry.dataset_get(slug)
    if dataset is None:
        raise Http404
    files = selectors.published_files(slug)
    tabular = next((resource for resource in dataset.resources if resource.format != "geojson"), None)
    header, rows = writers.preview_rows(tabular) if tabular else ([], [])
    places = list(dataset.spatial())
    context = {
        "dataset": dataset,
        "publisher": registry.publisher(),
        "downloads": [_download(dataset, resource, files.get(resource.filename)) for resource in dataset.resources],
        "last_generation": selectors.last_generation(slug),
        "published": selectors.published_generation(slug),
        "header": header,
        "rows": rows,
        "communes": [place for place in places if place.kind == "commune"],
        "departements": [place for place in places if place.kind == "departement"],
        "temporal": dataset.temporal(),
        "last_modified": dataset.last_modified(),
    }
    return render(request, TEMPLATES + "dataset_detail.html", context)


@require_GET
def api_view(request: HttpRequest) -> HttpResponse:
    """How to reuse the data by program: the catalogue (DCAT-AP), each file's URL, the REST API and its schema."""
    context = {
        "datasets": registry.datasets(),
        "catalog_jsonld": absolute(reverse("opendata:catalog_jsonld")),
        "catalog_ttl": absolute(reverse("opendata:catalog_ttl")),
        "api_schema": absolute(reverse("api-schema")),
        "api_docs": absolute(reverse("api-docs")),
        "file_url": absolute(reverse("opendata:file", args=["FICHIER"])).replace("FICHIER", ""),
    }
    return render(request, TEMPLATES + "api.html", context)


# --- Files ----------------------------------------------------------------------------------------------------


def _headers(response: HttpResponse, resource: registry.Resource) -> HttpResponse:
    # Spreadsheets open CSV downloads; browsers show JSON and GeoJSON (as the files were served before opendata).
    disposition = "attachment" if resource.format == "csv" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{resource.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def file_view(request: HttpRequest, filename: str) -> HttpResponse:
    """/opendata/<file>: the file the worker generated (with its SHA-256 as ETag: what the catalogue announces),
    or, before the first generation or when the data changed since, the file streamed from the data (and a
    generation asked of the worker)."""
    found = registry.resource_for(filename)
    if found is None:
        raise Http404
    dataset, resource = found
    content_type = f"{resource.media_type}; charset=utf-8"
    stored = selectors.published_file(filename)
    if stored is not None and not selectors.changed_since(dataset, stored.generation.started_at):
        if request.headers.get("If-None-Match") == f'"{stored.sha256}"':
            return _headers(HttpResponse(status=304), resource)
        response: HttpResponse = FileResponse(
            default_storage.open(stored.storage_name, "rb"), content_type=content_type
        )
        response["Content-Length"] = str(stored.byte_size)
        response["ETag"] = f'"{stored.sha256}"'
        return _headers(response, resource)
    if tasks.can_defer():
        tasks.request_generation(dataset.slug)
    return _headers(StreamingHttpResponse(writers.chunks(resource), content_type=content_type), resource)


@require_GET
@cache_control(public=True, max_age=900)
def catalog_jsonld_view(request: HttpRequest) -> HttpResponse:
    """/opendata/catalog.jsonld: the DCAT-AP catalogue in JSON-LD."""
    body = catalog_graph(absolute).serialize(format="json-ld", auto_compact=True)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=900)
def catalog_ttl_view(request: HttpRequest) -> HttpResponse:
    """/opendata/catalog.ttl: the DCAT-AP catalogue in Turtle."""
    body = catalog_graph(absolute).serialize(format="turtle")
    response = HttpResponse(body, content_type="text/turtle; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
