import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inclusio.interop import attestation_tokens as tokens
from inclusio.interop import keys
from inclusio.registry.models import Category, Cause


class Command(BaseCommand):
    help = _(
        "Verify an attestation of disability status (a JWS or an SD-JWT) offline, with the "
        "platform's published keys, and print what it states. Exit code 0 when the signature "
        "holds (and, with --status-list, the attestation is not revoked), 1 otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("The file holding the attestation."))
        parser.add_argument(
            "--jwks",
            help=_(
                "The platform's published keys (JWKS file). Without it, the keys of this "
                "installation."
            ),
        )
        parser.add_argument(
            "--status-list", help=_("The status list (a file) to check revocation against.")
        )

    def _read(self, name: str) -> str:
        try:
            return Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": name, "error": error}
            ) from None

    def _fail(self, message: str) -> None:
        self.stdout.write(message)
        raise SystemExit(1)

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["file"])
        if options["jwks"]:
            try:
                jwks = json.loads(self._read(options["jwks"]))
            except ValueError:
                raise CommandError(_("The keys file is not JSON.")) from None
        else:
            jwks = keys.public_jwks()
        try:
            verified = tokens.verify(text, jwks)
        except tokens.Unverifiable:
            self._fail(
                _(
                    "The signature does NOT hold: this is not an attestation of the platform, "
                    "or it was changed."
                )
            )
            return
        claims = verified.claims
        self.stdout.write(_("The signature holds (key %(kid)s).") % {"kid": verified.kid})
        self._statement(claims, verified)
        ok = True
        expires = claims.get("exp")
        if isinstance(expires, int) and expires < time.time():
            self.stdout.write(_("It has EXPIRED: the status's validity ended."))
            ok = False
        if options["status_list"]:
            ok = self._status(claims, jwks, self._read(options["status_list"])) and ok
        if not ok:
            raise SystemExit(1)

    def _statement(self, claims: dict[str, Any], verified: tokens.Verified) -> None:
        group = claims.get("disability_group")
        label = Category(group).label if group in Category.values else _("unknown")
        self.stdout.write(_("Issued by: %(iss)s") % {"iss": claims.get("iss")})
        issued = claims.get("iat")
        if isinstance(issued, int):
            day = dt.datetime.fromtimestamp(issued, dt.UTC).date().isoformat()
            self.stdout.write(_("Issued on: %(day)s") % {"day": day})
        self.stdout.write(_("Disability group: %(group)s") % {"group": label})
        until = claims.get("valid_until")
        self.stdout.write(
            _("Valid until: %(day)s") % {"day": until}
            if until
            else _("Valid until: established indefinitely")
        )
        self.stdout.write(_("Person: %(subject)s") % {"subject": claims.get("sub")})
        if "iin" in claims:
            self.stdout.write(_("IIN: %(iin)s") % {"iin": claims["iin"]})
        if "cause" in claims:
            cause = claims["cause"]
            shown = Cause(cause).label if cause in Cause.values else cause
            self.stdout.write(_("Cause: %(cause)s") % {"cause": shown})
        if "diagnosis_group" in claims:
            self.stdout.write(
                _("Diagnosis group (ICD-10): %(code)s") % {"code": claims["diagnosis_group"]}
            )
        if verified.kind == "sd-jwt":
            hidden = [name for name in tokens.DISCLOSABLE if name not in verified.disclosed]
            if hidden:
                self.stdout.write(
                    _("Not shown by the holder: %(names)s") % {"names": ", ".join(hidden)}
                )

    def _status(self, claims: dict[str, Any], jwks: Any, status_list: str) -> bool:
        reference = claims.get("status", {})
        listed = reference.get("status_list", {}) if isinstance(reference, dict) else {}
        index, uri = listed.get("idx"), listed.get("uri")
        if not isinstance(index, int) or not isinstance(uri, str):
            self.stdout.write(_("The attestation names no place in a status list."))
            return False
        try:
            status = tokens.status_of(status_list, jwks, uri, index)
        except tokens.Unverifiable:
            self.stdout.write(
                _("The status list is not valid: not signed by the platform, or for another list.")
            )
            return False
        if status == tokens.REVOKED:
            self.stdout.write(_("It has been REVOKED: the person's status changed since."))
            return False
        self.stdout.write(_("It is not revoked."))
        return True
