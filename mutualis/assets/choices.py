"""Asset kinds, statuses and the statuses' allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetKind(models.TextChoices):
    """What a piece of equipment is, whoever bought it: what supervision, charging and education look assets up by."""

    TABLET = "tablet", _("Tablette")
    LAPTOP = "laptop", _("Ordinateur portable")
    DESKTOP = "desktop", _("Ordinateur fixe")
    INTERACTIVE_DISPLAY = "interactive_display", _("Vidéoprojecteur ou écran interactif")
    AUDIO = "audio", _("Matériel audio")
    VIDEO = "video", _("Matériel vidéo (web TV, tournage)")
    ROBOT = "robot", _("Robot ou kit pédagogique")
    CAMERA = "camera", _("Caméra de vidéoprotection")
    RECORDER = "recorder", _("Enregistreur vidéo")
    ACCESS_READER = "access_reader", _("Lecteur de contrôle d'accès")
    SENSOR = "sensor", _("Capteur")
    CHARGING_STATION = "charging_station", _("Borne de recharge")
    NETWORK = "network", _("Équipement réseau")
    TELEPHONY = "telephony", _("Téléphonie")
    FURNITURE = "furniture", _("Mobilier")
    OTHER = "other", _("Autre")


class AssetStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("En stock")
    IN_SERVICE = "in_service", _("En service")
    LENT = "lent", _("Prêté")
    IN_REPAIR = "in_repair", _("En réparation")
    RETIRED = "retired", _("Réformé")


ASSET_TRANSITIONS: dict[str, set[str]] = {
    AssetStatus.IN_STOCK: {AssetStatus.IN_SERVICE, AssetStatus.LENT, AssetStatus.IN_REPAIR, AssetStatus.RETIRED},
    AssetStatus.IN_SERVICE: {AssetStatus.IN_STOCK, AssetStatus.LENT, AssetStatus.IN_REPAIR, AssetStatus.RETIRED},
    AssetStatus.LENT: {AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE, AssetStatus.IN_REPAIR},
    AssetStatus.IN_REPAIR: {AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE, AssetStatus.RETIRED},
    AssetStatus.RETIRED: set(),
}
