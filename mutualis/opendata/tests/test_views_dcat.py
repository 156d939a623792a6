"""/opendata/catalog.jsonld and .ttl: DCAT-AP as udata's harvester reads it, parsed back with rdflib."""

import pytest
from django.conf import settings
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from mutualis.opendata import registry
from mutualis.opendata.services import generation_run

pytestmark = pytest.mark.django_db

SPDX = Namespace("http://spdx.org/rdf/terms#")
MEDIA_TYPES = {"text/csv", "application/json", "application/geo+json"}


def parsed(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format=fmt)


@pytest.mark.parametrize(("url", "fmt"), [("/opendata/catalog.jsonld", "json-ld"), ("/opendata/catalog.ttl", "turtle")])
def test_every_dataset_has_title_publisher_licence_and_typed_distributions(catalogue_data, client, url, fmt):
    """Each dcat:Dataset of the catalogue has a title, the operator as publisher (named, with its SIREN), a
    licence, and distributions with a download URL and an IANA media type."""
    graph = parsed(client, url, fmt)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(registry.datasets())
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    assert set(graph.objects(catalog, DCAT.dataset)) == datasets
    for node in datasets:
        assert graph.value(node, DCTERMS.title)
        assert graph.value(node, DCTERMS.identifier)
        publisher = graph.value(node, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Organization) in graph
        assert str(graph.value(publisher, DCTERMS.identifier)) == "257800011"
        assert graph.value(node, DCTERMS.license) == URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
        distributions = list(graph.objects(node, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert graph.value(distribution, DCAT.downloadURL)
            media_type = str(graph.value(distribution, DCAT.mediaType)).rsplit("media-types/", 1)[-1]
            assert media_type in MEDIA_TYPES


def test_generated_distributions_announce_their_size_and_sha256(catalogue_data, client):
    """Once generated, each distribution carries dcat:byteSize and an spdx:checksum (SHA-256) equal to the file's."""
    generation = generation_run(dataset=registry.dataset_get("decp"))
    stored = generation.files.get()
    graph = parsed(client, "/opendata/catalog.ttl", "turtle")
    distribution = URIRef(settings.SITE_ROOT.rstrip("/") + "/opendata/decp.json")
    assert int(graph.value(distribution, DCAT.byteSize)) == stored.byte_size
    checksum = graph.value(distribution, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(graph.value(checksum, SPDX.checksumValue)) == stored.sha256


def test_the_national_schema_spatial_and_frequency_are_described(catalogue_data, client):
    """DECP names its national schema (dct:conformsTo); fibre covers Versailles (INSEE) and is updated daily."""
    graph = parsed(client, "/opendata/catalog.ttl", "turtle")
    datasets = {str(graph.value(node, DCTERMS.identifier)): node for node in graph.subjects(RDF.type, DCAT.Dataset)}
    assert "format-commande-publique" in str(graph.value(datasets["decp"], DCTERMS.conformsTo))
    fibre = datasets["fibre-communes"]
    assert URIRef("http://id.insee.fr/geo/commune/78646") in set(graph.objects(fibre, DCTERMS.spatial))
    assert str(graph.value(fibre, DCTERMS.accrualPeriodicity)).endswith("/frequency/DAILY")
    period = graph.value(fibre, DCTERMS.temporal)
    assert graph.value(period, DCAT.endDate) is not None
