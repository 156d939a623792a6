"""`manage.py supervision_source_token NAME`: print a new token for an event source (the old one stops working)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from mutualis.core.management.base import AuditedCommand
from mutualis.supervision.models import EventSource
from mutualis.supervision.services.sources import source_rotate_token


class Command(AuditedCommand):
    help = "Imprime un nouveau jeton pour une source d'événements ; l'ancien cesse de fonctionner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="nom de la source (ex. demo-webhook)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = EventSource.objects.filter(name=options["name"]).first()
        if source is None:
            raise CommandError(f"Source inconnue : {options['name']}")
        self.stdout.write(source_rotate_token(source=source, acting_user=None))
