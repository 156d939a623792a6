"""Public pages of the territory: commune list, commune, département and EPCI/EPT pages with their maps."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from mutualis.core.panels import render_commune_panels
from mutualis.territory import selectors
from mutualis.territory.filters import CommuneFilterSet
from mutualis.territory.models import Commune, Departement, Intercommunality

PAGE_SIZE = 50


def commune_list_view(request: HttpRequest) -> HttpResponse:
    """Search and filter the communes of the territory, 50 a page."""
    filterset = CommuneFilterSet(request.GET or None, queryset=selectors.commune_list())
    valid = filterset.is_valid() if filterset.is_bound else True
    communes = filterset.qs if filterset.is_bound and valid else selectors.commune_list()
    page = Paginator(communes, PAGE_SIZE).get_page(request.GET.get("page")) if valid else None
    filtered = filterset.is_bound and any(filterset.form.cleaned_data.get(name) for name in filterset.filters)
    return render(
        request,
        "territory/commune_list.html",
        {"filterset": filterset, "form": filterset.form, "page": page, "filtered": filtered},
        status=200 if valid else 400,
    )


def commune_detail_view(request: HttpRequest, insee_code: str) -> HttpResponse:
    """A commune: its facts, its contour on a map and what the platform knows about it (panels of other apps)."""
    try:
        commune = selectors.commune_get(insee_code=insee_code)
    except Commune.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "territory/commune_detail.html",
        {"commune": commune, "panels": render_commune_panels(commune, request)},
    )


def departement_list_view(request: HttpRequest) -> HttpResponse:
    """The départements of the territory with their communes and population: the folder of the département pages."""
    departements = [
        (departement, selectors.departement_population(departement=departement))
        for departement in selectors.departement_list()
    ]
    return render(request, "territory/departement_list.html", {"departements": departements})


def intercommunality_list_view(request: HttpRequest) -> HttpResponse:
    """EPCI and EPT of the territory, searchable by name or SIREN and by département, 50 a page."""
    filters = {"q": request.GET.get("q", ""), "departement": request.GET.get("departement", "")}
    known = {departement.code for departement in selectors.departement_list()}
    if filters["departement"] and filters["departement"] not in known:
        filters["departement"] = ""
    intercommunalities = selectors.intercommunality_list(filters=filters)
    page = Paginator(intercommunalities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "territory/intercommunality_list.html",
        {"page": page, "filters": filters, "departements": selectors.departement_list()},
    )


def departement_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    """A département: facts, contour, its EPCI/EPT, link to its communes."""
    try:
        departement = selectors.departement_get(code=code)
    except Departement.DoesNotExist as exc:
        raise Http404 from exc
    chef_lieu = selectors.commune_list().filter(insee_code=departement.chef_lieu_code).first()
    return render(
        request,
        "territory/departement_detail.html",
        {
            "departement": departement,
            "chef_lieu": chef_lieu,
            "population": selectors.departement_population(departement=departement),
            "intercommunalities": selectors.intercommunality_list(filters={"departement": departement}),
        },
    )


def intercommunality_detail_view(request: HttpRequest, siren: str) -> HttpResponse:
    """An EPCI or EPT: facts, member communes of the territory on a map, members outside the territory."""
    try:
        intercommunality = selectors.intercommunality_get(siren=siren)
    except Intercommunality.DoesNotExist as exc:
        raise Http404 from exc
    communes = selectors.intercommunality_communes(intercommunality=intercommunality)
    contours = selectors.commune_contours(queryset=communes)
    for feature in contours["features"]:
        feature["properties"]["url"] = reverse("territory:commune_detail", args=[feature["properties"]["code"]])
    return render(
        request,
        "territory/intercommunality_detail.html",
        {
            "intercommunality": intercommunality,
            "communes": communes,
            "contours": contours,
        },
    )
