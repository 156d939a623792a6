from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mutualis.core.models import BaseModel
from mutualis.core.scoping import TenantQuerySet
from mutualis.education.choices import AssignmentTarget, Audience, Profile
from mutualis.education.models.establishments import Establishment

# A pseudonymous identifier as the ENT gives it: letters, digits, « - » and « _ », no space and no « @ », so that
# neither a name nor an e-mail address can be typed in its place.
PSEUDONYM = RegexValidator(
    r"^[A-Za-z0-9_-]{6,64}$",
    _("Identifiant pseudonyme : 6 à 64 lettres, chiffres, « - » ou « _ », sans espace ni nom (celui de l'ENT)."),
)
CLASS_GROUP = RegexValidator(
    r"^[A-Za-z0-9 ._-]{1,30}$", _("Classe : le code de la division (par ex. 3A, 5e2, ULIS), 30 caractères au plus.")
)


class Resource(BaseModel):
    """An online resource of the ENT (GAR catalogue entry): its publisher, title, audience."""

    publisher = models.CharField(_("éditeur"), max_length=120)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("public"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        ordering = ["publisher", "title"]
        verbose_name = _("ressource numérique")
        verbose_name_plural = _("ressources numériques")
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "title"],
                name="education_resource_unique",
                violation_error_message=_("Cet éditeur propose déjà une ressource de ce titre."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})"


class Subscription(BaseModel):
    """An établissement's subscription to a resource: a period and a number of licences; a paid one is ordered
    through the central purchasing (its order)."""

    member_path = "establishment__member"

    establishment = models.ForeignKey(
        Establishment, verbose_name=_("établissement"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("ressource"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    licences = models.PositiveIntegerField(_("licences"))
    paid = models.BooleanField(_("payante"), default=False)
    order = models.ForeignKey(
        "purchasing.Order",
        verbose_name=_("bon de commande"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="education_subscriptions",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="education_subscription_period",
                violation_error_message=_("La fin de l'abonnement doit suivre son début."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource.title} — {self.establishment.name}"


class Assignment(BaseModel):
    """Licences of a subscription given to a pupil or a teacher (by pseudonym) or to a class group: only the data
    the GAR sends a publisher."""

    member_path = "subscription__establishment__member"

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("abonnement"), on_delete=models.CASCADE, related_name="assignments"
    )
    target = models.CharField(_("bénéficiaire"), max_length=16, choices=AssignmentTarget.choices)
    pseudonym = models.CharField(_("identifiant pseudonyme"), max_length=64, blank=True, validators=[PSEUDONYM])
    profile = models.CharField(_("profil"), max_length=16, choices=Profile.choices)
    class_group = models.CharField(_("classe"), max_length=30, blank=True, validators=[CLASS_GROUP])
    licences = models.PositiveIntegerField(_("licences"), default=1)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attribuée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["class_group", "pseudonym", "pk"]
        verbose_name = _("attribution de licences")
        verbose_name_plural = _("attributions de licences")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "pseudonym"],
                condition=~Q(pseudonym=""),
                name="education_assignment_one_per_person",
                violation_error_message=_("Cette personne a déjà une licence de cet abonnement."),
            ),
            models.UniqueConstraint(
                fields=["subscription", "class_group"],
                condition=Q(target=AssignmentTarget.CLASS_GROUP),
                name="education_assignment_one_per_class",
                violation_error_message=_("Cette classe a déjà des licences de cet abonnement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.pseudonym or self.class_group}"
