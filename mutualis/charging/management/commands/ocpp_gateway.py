"""`manage.py ocpp_gateway`: the OCPP 1.6J / 2.0.1 central system's websocket server, a process of its own."""

import asyncio
import logging
import signal
from typing import Any

from django.conf import settings

from mutualis.charging.gateway.server import Gateway
from mutualis.core.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Serve OCPP 1.6J and 2.0.1 charge points on ws://HOST:OCPP_PORT/ocpp/<identity> until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.OCPP_HOST, help="address to listen on (OCPP_HOST)")
        parser.add_argument("--port", type=int, default=settings.OCPP_PORT, help="port (OCPP_PORT, 8180)")
        parser.add_argument("--gateway-id", default="", help="this process's name in the database (host:port)")
        parser.add_argument("--no-message-log", action="store_true", help="do not keep the frames exchanged")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO if options["verbosity"] > 1 else logging.WARNING)
        logging.getLogger("mutualis.charging.gateway").setLevel(logging.INFO)
        asyncio.run(self._serve(options))

    async def _serve(self, options: dict[str, Any]) -> None:
        gateway = Gateway(
            host=options["host"],
            port=options["port"],
            gateway_id=options["gateway_id"],
            log_frames=not options["no_message_log"],
            freeze_gc=True,
        )
        await gateway.start()
        self.stdout.write(
            f"Passerelle OCPP : ws://{gateway.host}:{gateway.port}/ocpp/<identité> ({gateway.gateway_id})"
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await gateway.stop()
