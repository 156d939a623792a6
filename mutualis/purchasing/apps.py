from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    """Central purchasing: suppliers, framework agreements, lots, catalogue (BPU), orders, deliveries, invoices."""

    name = "mutualis.purchasing"
    label = "purchasing"
    verbose_name = _("Centrale d'achat")

    def ready(self) -> None:
        from mutualis.core.panels import register_asset_panel, register_commune_panel
        from mutualis.purchasing.panels import asset_purchase_panel, commune_purchasing_panel

        register_commune_panel(commune_purchasing_panel, order=30)
        register_asset_panel(asset_purchase_panel, order=10)

        # Open data: the DECP in the catalogue (/opendata/decp.json).
        from mutualis.opendata.registry import register_dataset
        from mutualis.purchasing.opendata import DATASET

        register_dataset(DATASET)

        # The audit journal: what this app's entries mean, in French.
        from mutualis.core import audit_labels

        audit_labels.register_actions(
            {
                "supplier.create": _("Fournisseur créé"),
                "supplier.update": _("Fournisseur modifié"),
                "supplier.contact_create": _("Contact fournisseur ajouté"),
                "agreement.create": _("Accord-cadre créé"),
                "agreement.update": _("Accord-cadre modifié"),
                "agreement.activate": _("Accord-cadre mis en vigueur"),
                "agreement.end": _("Accord-cadre terminé"),
                "amendment.create": _("Avenant enregistré"),
                "lot.create": _("Lot créé"),
                "lot.update": _("Lot modifié"),
                "lot.bpu_import": _("Bordereau de prix (BPU) importé"),
                "item.create": _("Article du catalogue créé"),
                "item.update": _("Article du catalogue modifié"),
                "order.create": _("Bon de commande créé"),
                "order.update": _("Bon de commande modifié"),
                "order.line_add": _("Ligne de commande ajoutée"),
                "order.line_update": _("Ligne de commande modifiée"),
                "order.line_remove": _("Ligne de commande retirée"),
                "order.transition": _("Statut d'un bon de commande changé"),
                "order.service_certify": _("Service fait constaté"),
                "consolidated_order.create": _("Commande groupée envoyée"),
                "delivery.record": _("Livraison enregistrée"),
                "invoice.register": _("Facture enregistrée"),
                "invoice.suspend": _("Délai de paiement suspendu"),
                "invoice.resume": _("Délai de paiement repris"),
                "invoice.pay": _("Facture payée"),
            },
            group=self.verbose_name,
        )
        audit_labels.register_object_types(
            [
                "purchasing.supplier",
                "purchasing.frameworkagreement",
                "purchasing.amendment",
                "purchasing.lot",
                "purchasing.catalogueitem",
                "purchasing.order",
                "purchasing.consolidatedorder",
                "purchasing.delivery",
                "purchasing.invoice",
            ]
        )
        audit_labels.register_detail_labels(
            {
                "item": _("Article"),
                "quantity": _("Quantité"),
                "unit_price_ht": _("Prix unitaire HT"),
                "assets": _("Équipements"),
                "serials": _("Numéros de série"),
                "started_on": _("Suspendu le"),
                "ended_on": _("Repris le"),
                "suspended_days": _("Jours de suspension"),
                "days_late": _("Jours de retard"),
                "ecb_rate": _("Taux de la BCE"),
                "created": _("Articles créés"),
                "updated": _("Articles mis à jour"),
                "effective_from": _("Prix en vigueur le"),
            }
        )
