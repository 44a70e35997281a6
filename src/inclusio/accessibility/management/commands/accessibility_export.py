"""``inclusio accessibility-export --format a11yjson --out FILE``: every facility as A11yJSON."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from inclusio.accessibility import a11yjson
from inclusio.accessibility.models import Facility


class Command(BaseCommand):
    help = _("Export every facility of the accessibility map in an open format (A11yJSON).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["a11yjson"], default="a11yjson")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address (https://…), to link each place to its public page",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        base = options["base_url"].rstrip("/")
        if base and not base.startswith(("https://", "http://")):
            raise CommandError(_("--base-url must start with https:// or http://"))
        with translation.override("en"):
            page = reverse("accessibility:facility", args=[0]).replace("/0/", "/{id}/")
        started = time.monotonic()
        try:
            with out.open("w", encoding="utf-8") as stream:
                count = a11yjson.write(
                    Facility.objects.all(), f"{base}{page}" if base else "", stream
                )
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": error.strerror}
            ) from None
        self.stdout.write(
            _("%(count)d facilities written to %(file)s in %(seconds).1f s.")
            % {"count": count, "file": out, "seconds": time.monotonic() - started}
        )
