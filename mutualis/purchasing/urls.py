from django.urls import path  # noqa: F401

from mutualis.purchasing.views import agreements as agreement_views
from mutualis.purchasing.views import catalogue as catalogue_views
from mutualis.purchasing.views import consolidation as consolidation_views
from mutualis.purchasing.views import dashboards
from mutualis.purchasing.views import deliveries as delivery_views
from mutualis.purchasing.views import invoices as invoice_views
from mutualis.purchasing.views import orders as order_views

app_name = "purchasing"

urlpatterns: list = [
    # Suppliers, framework agreements, lots, catalogue, amendments, BPU import (agreements area).
    path("back-office/fournisseurs/", agreement_views.supplier_list_view, name="backoffice_supplier_list"),
    path("back-office/fournisseurs/nouveau/", agreement_views.supplier_create_view, name="backoffice_supplier_create"),
    path("back-office/fournisseurs/<id:pk>/", agreement_views.supplier_detail_view, name="backoffice_supplier_detail"),
    path(
        "back-office/fournisseurs/<id:pk>/modifier/",
        agreement_views.supplier_update_view,
        name="backoffice_supplier_update",
    ),
    path(
        "back-office/fournisseurs/<id:pk>/contacts/nouveau/",
        agreement_views.supplier_contact_create_view,
        name="backoffice_supplier_contact_create",
    ),
    path("back-office/accords-cadres/", agreement_views.agreement_list_view, name="backoffice_agreement_list"),
    path(
        "back-office/accords-cadres/nouveau/",
        agreement_views.agreement_create_view,
        name="backoffice_agreement_create",
    ),
    path(
        "back-office/accords-cadres/<id:pk>/",
        agreement_views.agreement_detail_view,
        name="backoffice_agreement_detail",
    ),
    path(
        "back-office/accords-cadres/<id:pk>/modifier/",
        agreement_views.agreement_update_view,
        name="backoffice_agreement_update",
    ),
    path(
        "back-office/accords-cadres/<id:pk>/mettre-en-vigueur/",
        agreement_views.agreement_activate_view,
        name="backoffice_agreement_activate",
    ),
    path(
        "back-office/accords-cadres/<id:pk>/terminer/",
        agreement_views.agreement_end_view,
        name="backoffice_agreement_end",
    ),
    path(
        "back-office/accords-cadres/<id:pk>/lots/nouveau/",
        agreement_views.lot_create_view,
        name="backoffice_lot_create",
    ),
    path(
        "back-office/accords-cadres/<id:pk>/avenants/nouveau/",
        agreement_views.amendment_create_view,
        name="backoffice_amendment_create",
    ),
    path("back-office/lots/<id:pk>/modifier/", agreement_views.lot_update_view, name="backoffice_lot_update"),
    path("back-office/lots/<id:pk>/articles/nouveau/", agreement_views.item_create_view, name="backoffice_item_create"),
    path("back-office/lots/<id:pk>/import-bpu/", agreement_views.bpu_import_view, name="backoffice_bpu_import"),
    path(
        "back-office/lots/<id:pk>/import-bpu/confirmer/",
        agreement_views.bpu_confirm_view,
        name="backoffice_bpu_confirm",
    ),
    path("back-office/articles/<id:pk>/modifier/", agreement_views.item_update_view, name="backoffice_item_update"),
    path("tableau-de-bord/", dashboards.member_dashboard_view, name="member_dashboard"),
    path("tableau-de-bord/<id:member_id>/", dashboards.member_dashboard_member_view, name="member_dashboard_member"),
    path("back-office/tableau-de-bord/", dashboards.operator_dashboard_view, name="operator_dashboard"),
    # Catalogue, basket, orders, validation, consolidation (orders area).
    path("catalogue/", catalogue_views.catalogue_view, name="catalogue"),
    path("catalogue/<id:pk>/", catalogue_views.catalogue_item_view, name="catalogue_item"),
    path("catalogue/<id:pk>/ajouter/", catalogue_views.basket_add_view, name="basket_add"),
    path("panier/", order_views.basket_view, name="basket"),
    path("commandes/", order_views.order_list_view, name="order_list"),
    path("commandes/<id:pk>/", order_views.order_detail_view, name="order_detail"),
    path("commandes/<id:pk>/modifier/", order_views.order_update_view, name="order_update"),
    path("commandes/<id:pk>/statut/", order_views.order_transition_view, name="order_transition"),
    path("commandes/<id:pk>/lignes/<id:line_pk>/", order_views.order_line_update_view, name="order_line_update"),
    path(
        "commandes/<id:pk>/lignes/<id:line_pk>/supprimer/",
        order_views.order_line_remove_view,
        name="order_line_remove",
    ),
    path("back-office/commandes/", order_views.backoffice_order_list_view, name="backoffice_order_list"),
    path("back-office/regroupements/", consolidation_views.consolidation_list_view, name="consolidation_list"),
    path(
        "back-office/regroupements/nouveau/", consolidation_views.consolidation_create_view, name="consolidation_create"
    ),
    path(
        "back-office/regroupements/<id:pk>/",
        consolidation_views.consolidation_detail_view,
        name="consolidation_detail",
    ),
    path(
        "back-office/regroupements/<id:pk>/export.csv",
        consolidation_views.consolidation_export_view,
        name="consolidation_export",
    ),
    path(
        "back-office/regroupements/<id:pk>/bon-de-commande.pdf",
        consolidation_views.consolidation_pdf_view,
        name="consolidation_pdf",
    ),
    # Deliveries, service fait, invoices (deliveries & invoices area).
    path("commandes/<id:order_id>/livraisons/", delivery_views.delivery_list_view, name="delivery_list"),
    path("commandes/<id:order_id>/livraisons/nouvelle/", delivery_views.delivery_create_view, name="delivery_create"),
    path("commandes/<id:order_id>/service-fait/", delivery_views.service_certify_view, name="service_certify"),
    path("commandes/<id:order_id>/factures/nouvelle/", invoice_views.invoice_create_view, name="invoice_create"),
    path("factures/", invoice_views.invoice_list_view, name="invoice_list"),
    path("factures/export-chorus.csv", invoice_views.invoice_export_csv_view, name="invoice_export_csv"),
    path("factures/export-chorus.json", invoice_views.invoice_export_json_view, name="invoice_export_json"),
    path("factures/<id:pk>/", invoice_views.invoice_detail_view, name="invoice_detail"),
    path("factures/<id:pk>/suspendre/", invoice_views.invoice_suspend_view, name="invoice_suspend"),
    path("factures/<id:pk>/reprendre/", invoice_views.invoice_resume_view, name="invoice_resume"),
    path("factures/<id:pk>/payer/", invoice_views.invoice_pay_view, name="invoice_pay"),
]
