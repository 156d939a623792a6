"""Serializers of the members API. They check the shape of the input; the services hold the rules.

A member a client writes is looked up among the members the caller may see (`ScopedPrimaryKeyRelatedField`):
another member's id answers exactly as an id that does not exist. Territory fields are public reference data.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mutualis.core.api import ScopedPrimaryKeyRelatedField
from mutualis.members import selectors, services
from mutualis.members.choices import Competence, MemberStatus
from mutualis.members.models import CompetenceTransfer, Member, Site
from mutualis.territory.models import Commune, Departement, Intercommunality


class CompetenceTransferSerializer(serializers.ModelSerializer):
    """A competence transferred by a member over a period."""

    competence_label = serializers.CharField(source="get_competence_display", read_only=True)
    in_force = serializers.SerializerMethodField(help_text=_("Transfert en vigueur aujourd'hui."))

    class Meta:
        model = CompetenceTransfer
        fields = [
            "id",
            "competence",
            "competence_label",
            "start_date",
            "end_date",
            "deliberation_reference",
            "in_force",
        ]
        read_only_fields = fields

    def get_in_force(self, obj: CompetenceTransfer) -> bool:
        today = timezone.localdate()
        return obj.start_date <= today and (obj.end_date is None or obj.end_date >= today)


class MemberSerializer(serializers.ModelSerializer):
    """A member: identity, territory (codes), adhésion status and the competences held today."""

    siren = serializers.CharField(max_length=20, help_text=_("9 chiffres (espaces acceptés)."))
    siret = serializers.CharField(max_length=24, required=False, allow_blank=True)
    departement = serializers.SlugRelatedField(slug_field="code", queryset=Departement.objects.all())
    communes = serializers.SlugRelatedField(
        slug_field="insee_code",
        queryset=Commune.objects.all(),
        many=True,
        required=False,
        help_text=_("Codes INSEE des communes."),
    )
    intercommunality = serializers.SlugRelatedField(
        slug_field="siren",
        queryset=Intercommunality.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("SIREN de l'EPCI ou de l'EPT."),
    )
    current_competences = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "kind",
            "establishment_type",
            "siren",
            "siret",
            "uai",
            "departement",
            "communes",
            "intercommunality",
            "status",
            "address",
            "email",
            "phone",
            "deliberation_reference",
            "deliberation_date",
            "approved_at",
            "activated_at",
            "withdrawn_at",
            "current_competences",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "deliberation_reference",
            "deliberation_date",
            "approved_at",
            "activated_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]
        # Uniqueness and every other rule are the services' (with their French messages).
        validators: list = []
        extra_kwargs: dict[str, Any] = {"uai": {"validators": []}}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Competence.choices)))
    def get_current_competences(self, obj: Member) -> list[str]:
        today = timezone.localdate()
        return sorted(
            {
                t.competence
                for t in obj.competences.all()
                if t.start_date <= today and (t.end_date is None or t.end_date >= today)
            }
        )

    def create(self, validated_data: dict[str, Any]) -> Member:
        request = self.context["request"]
        return services.member_create(acting_user=request.user, **validated_data)

    def update(self, instance: Member, validated_data: dict[str, Any]) -> Member:
        request = self.context["request"]
        return services.member_update(member=instance, acting_user=request.user, **validated_data)


class MemberTransitionSerializer(serializers.Serializer):
    """One step of the adhésion workflow."""

    to_status = serializers.ChoiceField(choices=MemberStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    deliberation_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    deliberation_date = serializers.DateField(required=False, allow_null=True, default=None)
    effective_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("Date d'effet (par défaut : aujourd'hui).")
    )


class SiteSerializer(serializers.ModelSerializer):
    """A member's place; `member` is one of the members the caller may see."""

    member = ScopedPrimaryKeyRelatedField(Member, scope=lambda user: selectors.member_list(user=user))
    commune = serializers.SlugRelatedField(
        slug_field="insee_code", queryset=Commune.objects.all(), help_text=_("Code INSEE de la commune.")
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "member",
            "name",
            "kind",
            "address",
            "commune",
            "latitude",
            "longitude",
            "is_active",
            "is_public",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_active", "created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {
            "is_public": {
                "help_text": _(
                    "Site visible du public (page publique de la commune). Omis à la création : oui pour une mairie, "
                    "une école, un collège ou un bâtiment public, non sinon."
                )
            },
            "latitude": {"help_text": _("WGS84 ; le point doit être dans la commune (à 200 m près).")},
        }

    def validate_member(self, member: Member) -> Member:
        if self.instance is not None and member.pk != self.instance.member_id:
            raise serializers.ValidationError(_("Un site ne change pas d'adhérent."))
        return member

    def create(self, validated_data: dict[str, Any]) -> Site:
        request = self.context["request"]
        return services.site_create(acting_user=request.user, **validated_data)

    def update(self, instance: Site, validated_data: dict[str, Any]) -> Site:
        request = self.context["request"]
        validated_data.pop("member", None)
        return services.site_update(site=instance, acting_user=request.user, **validated_data)


class SiteDeactivateSerializer(serializers.Serializer):
    """Taking a site out of service, or putting it back, with an optional reason."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")
