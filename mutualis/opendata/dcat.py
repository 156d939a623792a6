"""The catalogue in DCAT-AP (rdflib), as udata's DCAT harvester reads it (udata/core/dataset/rdf.py):

- dcat:Catalog with dct:title, dct:publisher and dcat:dataset;
- each dcat:Dataset: dct:identifier (the harvester's remote id), dct:title, dct:description, dcat:landingPage,
  dct:publisher (foaf:Organization named with its SIREN as dct:identifier), dct:license (the Licence Ouverte URL
  udata's License.guess recognises) and dct:rights, dcat:keyword, dcat:theme (EU data themes),
  dct:accrualPeriodicity (EU frequencies), dct:spatial (INSEE communes and départements), dct:temporal
  (dct:PeriodOfTime with dcat:startDate/endDate), dct:modified, dct:conformsTo (the national schema);
- each dcat:Distribution: dcat:downloadURL and dcat:accessURL, dct:title, dcat:mediaType (IANA), dct:format,
  dct:license, and once generated dcat:byteSize and spdx:checksum (spdx:checksumAlgorithm_sha256).
"""

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from mutualis.opendata import registry, selectors
from mutualis.opendata.models import GeneratedFile

SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
INSEE = "http://id.insee.fr/geo/"


def _dataset_node(graph: Graph, dataset: registry.Dataset, absolute: Any, publisher: URIRef) -> URIRef:
    node = URIRef(absolute(f"/donnees/jeux/{dataset.slug}/"))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(dataset.slug)))
    graph.add((node, DCTERMS.title, Literal(str(dataset.title), lang="fr")))
    graph.add((node, DCTERMS.description, Literal(str(dataset.description), lang="fr")))
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, DCTERMS.publisher, publisher))
    licence = URIRef(dataset.licence[0])
    graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCTERMS.rights, Literal(dataset.licence[1])))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(str(keyword), lang="fr")))
    for theme in dataset.themes:
        graph.add((node, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
    graph.add((node, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{dataset.frequency}")))
    if dataset.conforms_to:
        standard = URIRef(dataset.conforms_to)
        graph.add((node, DCTERMS.conformsTo, standard))
        graph.add((standard, RDF.type, DCTERMS.Standard))
        graph.add((standard, DCTERMS.title, Literal(dataset.conforms_to_label or dataset.conforms_to)))
    for place in dataset.spatial():
        location = URIRef(f"{INSEE}{place.kind}/{place.code}")
        graph.add((node, DCTERMS.spatial, location))
        graph.add((location, RDF.type, DCTERMS.Location))
        graph.add((location, SKOS.prefLabel, Literal(place.name, lang="fr")))
    start, end = dataset.temporal()
    if start or end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if start:
            graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        if end:
            graph.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
    if modified := dataset.last_modified():
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    files = selectors.published_files(dataset.slug)
    for resource in dataset.resources:
        _distribution(graph, node, resource, files.get(resource.filename), absolute, licence)
    return node


def _distribution(
    graph: Graph,
    node: URIRef,
    resource: registry.Resource,
    stored: GeneratedFile | None,
    absolute: Any,
    licence: URIRef,
) -> None:
    url = URIRef(absolute(f"/opendata/{resource.filename}"))
    graph.add((node, DCAT.distribution, url))
    graph.add((url, RDF.type, DCAT.Distribution))
    graph.add((url, DCTERMS.identifier, Literal(resource.filename)))
    graph.add((url, DCTERMS.title, Literal(str(resource.title or resource.filename), lang="fr")))
    graph.add((url, DCAT.downloadURL, url))
    graph.add((url, DCAT.accessURL, url))
    graph.add((url, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{resource.media_type}")))
    graph.add((url, DCTERMS.format, URIRef(f"{EU}file-type/{registry.FORMATS[resource.format][1]}")))
    graph.add((url, DCTERMS.license, licence))
    if stored is not None:
        graph.add((url, DCAT.byteSize, Literal(stored.byte_size, datatype=XSD.nonNegativeInteger)))
        graph.add((url, DCTERMS.modified, Literal(stored.generation.finished_at, datatype=XSD.dateTime)))
        checksum = BNode()
        graph.add((url, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(stored.sha256, datatype=XSD.hexBinary)))


def catalog_graph(absolute: Any) -> Graph:
    """The whole catalogue as an RDF graph; `absolute(path)` makes the public URL of a path of this site."""
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("spdx", SPDX), ("skos", SKOS)):
        graph.bind(prefix, namespace)
    operator = registry.publisher()
    publisher = URIRef(f"https://annuaire-entreprises.data.gouv.fr/entreprise/{operator.siren}")
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(operator.name)))
    graph.add((publisher, DCTERMS.identifier, Literal(operator.siren)))
    catalog = URIRef(absolute("/opendata/catalog.jsonld"))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"Données ouvertes — {operator.name}", lang="fr")))
    graph.add((catalog, DCTERMS.description, Literal("Catalogue des données ouvertes de l'opérateur.", lang="fr")))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, URIRef(absolute("/donnees/"))))
    for dataset in registry.datasets():
        graph.add((catalog, DCAT.dataset, _dataset_node(graph, dataset, absolute, publisher)))
    return graph
