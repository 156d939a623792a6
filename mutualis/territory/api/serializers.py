"""Serializers of the territory API: lists without contours, details with them (GeoJSON geometries)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from mutualis.territory.models import Commune, Departement, Intercommunality

GEOMETRY_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Géométrie GeoJSON (WGS84) : Polygon ou MultiPolygon.",
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array", "items": {}},
    },
}
POINT_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Centroïde, géométrie GeoJSON Point (longitude, latitude en WGS84).",
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
}


@extend_schema_field(GEOMETRY_SCHEMA)
class GeometryField(serializers.JSONField):
    """A GeoJSON geometry stored in a JSONField."""


@extend_schema_serializer(description=_("Un département (code INSEE, SIREN, chef-lieu), sans son contour."))
class DepartementSerializer(serializers.ModelSerializer):
    """A département, without its contour."""

    commune_count = serializers.IntegerField(read_only=True, help_text=_("Nombre de communes."))

    class Meta:
        model = Departement
        fields = ["code", "name", "siren", "chef_lieu_code", "commune_count"]


@extend_schema_serializer(description=_("Un département avec son contour GeoJSON."))
class DepartementDetailSerializer(DepartementSerializer):
    """A département with its contour."""

    contour = GeometryField(read_only=True)

    class Meta(DepartementSerializer.Meta):
        fields = [*DepartementSerializer.Meta.fields, "contour"]


@extend_schema_serializer(
    description=_("Un EPCI à fiscalité propre ou un EPT : SIREN, nom, nature juridique, population.")
)
class IntercommunalitySerializer(serializers.ModelSerializer):
    """An EPCI or EPT: SIREN, name, kind, population, members outside the territory."""

    commune_count = serializers.IntegerField(
        read_only=True, help_text=_("Nombre de communes membres dans le territoire (78 et 92).")
    )
    outside_member_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Codes INSEE des communes membres situées hors des Yvelines et des Hauts-de-Seine."),
    )

    class Meta:
        model = Intercommunality
        fields = ["siren", "name", "kind", "population", "commune_count", "outside_member_codes"]


@extend_schema_serializer(description=_("Un EPCI ou EPT avec les codes INSEE de ses communes membres du territoire."))
class IntercommunalityDetailSerializer(IntercommunalitySerializer):
    """An EPCI or EPT with the INSEE codes of its member communes in the territory."""

    member_codes = serializers.SerializerMethodField(help_text=_("Codes INSEE des communes membres du territoire."))

    class Meta(IntercommunalitySerializer.Meta):
        fields = [*IntercommunalitySerializer.Meta.fields, "member_codes"]

    def get_member_codes(self, obj: Intercommunality) -> list[str]:
        return sorted(
            [
                *obj.epci_communes.values_list("insee_code", flat=True),
                *obj.ept_communes.values_list("insee_code", flat=True),
            ]
        )


@extend_schema_serializer(description=_("Une commune (code officiel géographique), sans son contour."))
class CommuneSerializer(serializers.ModelSerializer):
    """A commune, without its contour: codes, population, département, EPCI and EPT by their codes."""

    departement = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Code INSEE du département.")
    )
    epci = serializers.SlugRelatedField(
        slug_field="siren", read_only=True, allow_null=True, help_text=_("SIREN de l'EPCI à fiscalité propre.")
    )
    ept = serializers.SlugRelatedField(
        slug_field="siren",
        read_only=True,
        allow_null=True,
        help_text=_("SIREN de l'établissement public territorial (Métropole du Grand Paris)."),
    )
    postal_codes = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("Codes postaux."))

    class Meta:
        model = Commune
        fields = [
            "insee_code",
            "name",
            "departement",
            "siren",
            "postal_codes",
            "population",
            "epci",
            "ept",
            "latitude",
            "longitude",
        ]
        extra_kwargs = {
            "siren": {"help_text": _("SIREN de la commune (collectivité).")},
            "population": {"help_text": _("Population municipale (INSEE).")},
            "latitude": {"help_text": _("Latitude du centroïde (WGS84).")},
            "longitude": {"help_text": _("Longitude du centroïde (WGS84).")},
        }


@extend_schema_serializer(description=_("Une commune avec son centroïde et son contour GeoJSON."))
class CommuneDetailSerializer(CommuneSerializer):
    """A commune with its centroid and contour (GeoJSON geometries)."""

    centroid = serializers.SerializerMethodField()
    contour = GeometryField(read_only=True)

    class Meta(CommuneSerializer.Meta):
        fields = [*CommuneSerializer.Meta.fields, "centroid", "contour"]

    @extend_schema_field(POINT_SCHEMA)
    def get_centroid(self, obj: Commune) -> dict | None:
        if obj.latitude is None or obj.longitude is None:
            return None
        return {"type": "Point", "coordinates": [obj.longitude, obj.latitude]}
