from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnership CRM")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import register_converter

        from partnerships import search_index  # registers the search_contains lookup
        from partnerships.ids import IdConverter  # also guards ``in`` lookups on ids
        from partnerships.reference_data import restore_after_flush

        register_converter(IdConverter, "id")

        post_migrate.connect(restore_after_flush, sender=self, dispatch_uid="crm-reference-data")
        post_migrate.connect(
            search_index.ensure_after_migrate, sender=self, dispatch_uid="crm-search-index"
        )
