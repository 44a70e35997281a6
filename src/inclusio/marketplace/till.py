"""The in-shop till: a supplier checks a voucher code at its counter and records a sale, which
the person confirms.

Checking a code answers whether the voucher can pay here today (valid, expired, spent, the
supplier suspended, not a category the supplier sells, not a region it serves), how many units
are left and what the state pays per unit; nothing about the person (no name, no diagnosis, no
disability group or cause). Recording a sale reserves its quantity on the voucher (``spent``)
and the item's stock under the same row locks, in the same order (voucher, then item), as an
online order, so together they never spend a voucher beyond its quantity or take stock below
zero. The person confirms the sale in their pages (or their representative in theirs), or reads
out a 6-digit one-time code sent to their phone, which the supplier types in: the code is kept
as an HMAC, works for ``CODE_TTL`` and ``CODE_TRIES`` tries. A sale not confirmed within
``SALE_HOLD`` expires and gives its quantity back. A confirmed sale becomes a confirmed order:
the supplier payment run pays it once, and it counts in the programme's implementation.

The code is sent through a small messaging interface (``SaleCodeBackend``) named by the setting
``MARKETPLACE_SALE_CODE_BACKEND``; ``LocalSaleCodeBackend`` keeps the message, which the
person's pages show in development and demonstrations, where there is no phone gateway.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from inclusio.core import access, notices, rows
from inclusio.core.audit import SYSTEM, Actor, account_of, record_write
from inclusio.core.durability import atomic_then_flush
from inclusio.core.errors import Conflict, NotFound, ValidationFailed
from inclusio.core.models import AccountNotice, Purpose, Seen
from inclusio.core.money import format_tenge
from inclusio.marketplace.catalogue import categories
from inclusio.marketplace.errors import ErrorCode
from inclusio.marketplace.models import Item, Order, SaleCodeMessage, ShopSale, Supplier, Voucher
from inclusio.marketplace.orders import Taken, _fulfil, give_back, lock_items, quote
from inclusio.marketplace.services import own_supplier, supplier_account
from inclusio.registry.models import CareLink, Person

SALE_HOLD = dt.timedelta(hours=2)
CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5


# --- the messaging interface --------------------------------------------------------------------


class SaleCodeBackend:
    """Sends a sale's one-time code to the person's phone; called inside the sale's transaction
    (a gateway queues its text with ``transaction.on_commit``)."""

    def send(self, *, sale: ShopSale, phone: str, code: str, expires_at: dt.datetime) -> None:
        raise NotImplementedError


class LocalSaleCodeBackend(SaleCodeBackend):
    def send(self, *, sale: ShopSale, phone: str, code: str, expires_at: dt.datetime) -> None:
        rows.insert_one(
            SaleCodeMessage(
                sale=sale, phone=phone, code=code, expires_at=expires_at, sent_at=timezone.now()
            )
        )


@cache
def _backend_class(path: str) -> type[SaleCodeBackend]:
    found: type[SaleCodeBackend] = import_string(path)
    return found


def backend() -> SaleCodeBackend:
    path = getattr(
        settings,
        "MARKETPLACE_SALE_CODE_BACKEND",
        "inclusio.marketplace.till.LocalSaleCodeBackend",
    )
    return _backend_class(path)()


def local_codes_shown() -> bool:
    """Whether the person's pages show the locally kept code: only where no phone gets it."""
    return bool(settings.DEBUG or getattr(settings, "DEMO", False))


# --- checking a voucher -------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """A voucher code as printed (XXXX-XXXX-XXXX), from what was typed or scanned."""
    raw = re.sub(r"[^0-9A-Za-z]", "", str(code or "")).upper()[:40]
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


@dataclass(frozen=True)
class VoucherCheck:
    """What a supplier's till learns of a voucher: whether it pays here, and how much."""

    code: str
    status: str  # "valid", or the ErrorCode of why not
    message: str
    category: str
    category_name: str
    left: int
    cap_per_unit: int
    valid_until: dt.date

    @property
    def valid(self) -> bool:
        return self.status == "valid"


@dataclass(frozen=True)
class _AtTill:
    """A voucher as the till sees it, with the supplier's side, read in one statement: the
    supplier the actor represents, the voucher and its holder's IIN and phone, whether the
    supplier serves the holder's region, and the units held by pending sales past their hold
    (not yet given back)."""

    supplier_id: int
    supplier_status: str
    supplier_categories: list[str]
    voucher_id: int
    code: str
    state: str
    category: str
    quantity: int
    spent: int
    cap_per_unit: int
    valid_from: dt.date
    valid_until: dt.date
    person_iin: str
    person_phone: str
    serving: bool
    lapsed: int

    @property
    def left(self) -> int:
        return self.quantity - self.spent


# The till's read, written out (the query compiler cost more than the database's answer): one
# round trip for what four ORM queries read. With ``lock``, the voucher's row is locked (FOR
# UPDATE OF the voucher alone: the supplier and the person are read, not locked). Under the
# lock PostgreSQL rereads the voucher's row as it is now, while the lapsed sum stays as the
# statement's snapshot saw it: the sale uses it only to tell whether any lapsed sale is there to
# release, which a newer sale cannot change (its hold ends hours after ``now``).
_AT_TILL_SQL = """
SELECT s.id, s.status, s.categories,
       v.id, v.code, v.state, v.category, v.quantity, v.spent, v.cap_per_unit,
       v.valid_from, v.valid_until, p.iin, p.phone,
       EXISTS (SELECT 1 FROM marketplace_supplier_regions_served r
               WHERE r.supplier_id = s.id AND r.region_id = p.region_id),
       (SELECT COALESCE(SUM(l.quantity), 0) FROM marketplace_shopsale l
        WHERE l.voucher_id = v.id AND l.state = %s AND l.expires_at <= %s)
FROM marketplace_voucher v
JOIN registry_person p ON p.id = v.person_id
JOIN marketplace_supplier s ON s.representative_id = %s
WHERE v.code = %s
"""


def _day(value: object) -> dt.date:
    """A date column's value (SQLite may answer its text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _at_till(actor: Actor, code: str, now: dt.datetime, *, lock: bool) -> _AtTill:
    """The voucher with ``code`` at the till of the supplier ``actor`` represents; refused as
    ``own_supplier`` refuses an actor who represents none, or when no voucher has the code."""
    account = supplier_account(actor)
    sql = _AT_TILL_SQL
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF v"
    params = [
        ShopSale.State.PENDING.value,
        connection.ops.adapt_datetimefield_value(now),
        account.pk,
        normalise_code(code),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        own_supplier(actor)  # refuses an actor without a supplier, as before the voucher
        raise NotFound(ErrorCode.VOUCHER_NOT_FOUND, _("No voucher has this code."))
    categories_ = row[2]
    if isinstance(categories_, str):  # SQLite answers the JSON's text
        categories_ = json.loads(categories_)
    return _AtTill(
        supplier_id=row[0],
        supplier_status=row[1],
        supplier_categories=list(categories_ or []),
        voucher_id=row[3],
        code=row[4],
        state=row[5],
        category=row[6],
        quantity=row[7],
        spent=row[8],
        cap_per_unit=row[9],
        valid_from=_day(row[10]),
        valid_until=_day(row[11]),
        person_iin=row[12],
        person_phone=row[13],
        serving=bool(row[14]),
        lapsed=int(row[15] or 0),
    )


def _refusal(found: _AtTill, left: int, day: dt.date) -> tuple[str, str] | None:
    if found.supplier_status != Supplier.Status.VERIFIED:
        return ErrorCode.SUPPLIER_SUSPENDED, str(
            _("Your organisation cannot sell with vouchers now: it is not verified or suspended.")
        )
    if found.state != Voucher.State.ACTIVE or not (found.valid_from <= day <= found.valid_until):
        return ErrorCode.VOUCHER_EXPIRED, str(
            _("This voucher is not valid today (valid %(start)s to %(end)s).")
            % {"start": found.valid_from.isoformat(), "end": found.valid_until.isoformat()}
        )
    if found.category not in found.supplier_categories:
        return ErrorCode.VOUCHER_CATEGORY, str(
            _("This voucher is for a kind of item your organisation does not sell.")
        )
    if not found.serving:
        return ErrorCode.SUPPLIER_NOT_SERVING, str(
            _("Your organisation does not serve the voucher holder's region.")
        )
    if left <= 0:
        return ErrorCode.VOUCHER_SPENT, str(_("Nothing is left on this voucher."))
    return None


def _log_read(actor: Actor, person_iin: str) -> None:
    """The supplier learns what the person's voucher allows: the person sees the read."""
    access.log_bulk_read(
        actor,
        [person_iin],
        what=Seen.REHABILITATION_PROGRAMME,
        purpose=Purpose.REHABILITATION,
    )


def voucher_check(*, actor: Actor, code: str) -> VoucherCheck:
    """What the voucher with ``code`` allows at the actor's till today; writes nothing but the
    person's access log."""
    found = _at_till(actor, code, timezone.now(), lock=False)
    left = found.left + found.lapsed
    refusal = _refusal(found, left, timezone.localdate())
    # The log's head is let go at the commit; the answer waits for the disk (core/durability).
    with atomic_then_flush():
        _log_read(actor, found.person_iin)
    status, message = refusal or ("valid", str(_("This voucher can pay here today.")))
    known = categories()
    return VoucherCheck(
        code=found.code,
        status=str(status),
        message=message,
        category=found.category,
        category_name=str(known[found.category].name)
        if found.category in known
        else found.category,
        left=max(left, 0),
        cap_per_unit=found.cap_per_unit,
        valid_until=found.valid_until,
    )


# --- releasing lapsed reservations --------------------------------------------------------------


# Asked on every order placed and every sale recorded, nearly always finding none: one statement
# written once (core.rows), in id order, as the locks are taken.
_LAPSED_SALES = (
    '"marketplace_shopsale"."voucher_id" = %s AND "marketplace_shopsale"."state" = %s '
    'AND "marketplace_shopsale"."expires_at" <= %s ORDER BY "marketplace_shopsale"."id"'
)


def release_lapsed(
    voucher: Voucher, *, items: Collection[int] = (), now: dt.datetime | None = None
) -> int:
    """Expire the voucher's pending sales past their hold and give their quantity back to it
    and their stock to the items. The caller holds the voucher's row lock; the items of those
    sales and ``items`` (those the caller goes on to use) are locked together in id order,
    the one order of locks ``orders.py`` documents."""
    now = now or timezone.now()
    sales = rows.fetch(
        ShopSale,
        _LAPSED_SALES,
        [voucher.pk, ShopSale.State.PENDING, connection.ops.adapt_datetimefield_value(now)],
        lock="update",
    )
    locked = lock_items([sale.item_id for sale in sales] + list(items))
    if not sales:
        return 0
    give_back(
        [Taken(voucher.pk, sale.item_id, sale.quantity) for sale in sales],
        {voucher.pk: voucher},
        locked,
    )
    ShopSale.objects.filter(pk__in=[sale.pk for sale in sales]).update(state=ShopSale.State.EXPIRED)
    for sale in sales:
        record_write(
            actor=SYSTEM,
            action="sale_expire",
            entity="shop_sale",
            entity_id=sale.pk,
            data={"voucher": voucher.pk, "quantity_released": sale.quantity},
        )
    return len(sales)


def sales_cancel(sales: Sequence[ShopSale], vouchers: Mapping[int, Voucher]) -> int:
    """A suspended supplier's sales still waiting for the person's confirmation are cancelled:
    what they reserved is already back on the vouchers (``orders.orders_offer_back`` gives it
    back with the supplier's orders), their one-time codes stop working, and each person, and
    each representative of theirs with an account, is told through the notices in their own
    language to buy again elsewhere. A sale already past its hold was not waiting any more: it
    expires as the sweep would expire it, and nobody is told. Runs in the suspension's
    transaction; returns how many accounts were told."""
    now = timezone.now()
    lapsed = [sale for sale in sales if sale.expires_at <= now]
    held = [sale for sale in sales if sale.expires_at > now]
    ShopSale.objects.filter(pk__in=[sale.pk for sale in lapsed]).update(
        state=ShopSale.State.EXPIRED
    )
    for sale in lapsed:
        record_write(
            actor=SYSTEM,
            action="sale_expire",
            entity="shop_sale",
            entity_id=sale.pk,
            data={"voucher": sale.voucher_id, "quantity_released": sale.quantity},
        )
    if not held:
        return 0
    ShopSale.objects.filter(pk__in=[sale.pk for sale in held]).update(
        state=ShopSale.State.CANCELLED, code_digest=""
    )
    recipients = accounts_acting_for({vouchers[sale.voucher_id].person_id for sale in held})
    notices.tell_each(recipients, AccountNotice.Kind.SALE_CANCELLED)
    return len(recipients)


def accounts_acting_for(person_ids: Collection[int]) -> list[int]:
    """The accounts of the persons and of their representatives today."""
    today = timezone.localdate()
    accounts: set[int | None] = set(
        Person.objects.filter(pk__in=person_ids).values_list("user_id", flat=True)
    )
    links = CareLink.objects.filter(cared_id__in=person_ids).select_related("cared", "carer")
    accounts.update(link.carer.user_id for link in links if link.represents_on(today))
    return sorted(a for a in accounts if a is not None)


def sales_expire(*, actor: Actor = SYSTEM, now: dt.datetime | None = None) -> int:
    """Expire every pending sale past its hold (the periodic sweep; each voucher in a
    transaction of its own)."""
    now = now or timezone.now()
    voucher_ids = sorted(
        set(
            ShopSale.objects.filter(state=ShopSale.State.PENDING, expires_at__lte=now).values_list(
                "voucher_id", flat=True
            )
        )
    )
    expired = 0
    for voucher_id in voucher_ids:
        with transaction.atomic():
            voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
            expired += release_lapsed(voucher, now=now)
    if expired:
        record_write(
            actor=actor,
            action="sales_expire",
            entity="shop_sale",
            entity_id="*",
            data={"expired": expired, "vouchers": len(voucher_ids)},
        )
    return expired


# --- recording a sale ---------------------------------------------------------------------------


def _code_digest(sale_id: int, code: str) -> str:
    return salted_hmac(
        "inclusio.marketplace.sale_code", f"{sale_id}:{code}", algorithm="sha256"
    ).hexdigest()


def _send_code(sale: ShopSale, person_phone: str) -> bool:
    """A new one-time code for the sale, sent to the person's phone; False when the registry
    has no phone for them (they confirm in their pages)."""
    if not person_phone:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    sale.code_digest = _code_digest(sale.pk, code)
    sale.code_expires_at = timezone.now() + CODE_TTL
    sale.code_tries = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE marketplace_shopsale SET code_digest = %s, code_expires_at = %s, "
            "code_tries = 0 WHERE id = %s",
            [
                sale.code_digest,
                connection.ops.adapt_datetimefield_value(sale.code_expires_at),
                sale.pk,
            ],
        )
    backend().send(sale=sale, phone=person_phone, code=code, expires_at=sale.code_expires_at)
    return True


def _price(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationFailed(
            ErrorCode.PRICE_NOT_POSITIVE, _("The price must be a whole number of tenge above 0.")
        )
    return value


def _lock_item(supplier_id: int, item_id: int) -> tuple[str, int, int | None] | None:
    """The supplier's item, locked: its category, price and stock (None when not the
    supplier's)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT category, price, stock FROM marketplace_item "  # noqa: S608 - fixed names
            f"WHERE id = %s AND supplier_id = %s{lock}",
            [item_id, supplier_id],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2])


def sale_record(
    *, actor: Actor, code: str, item_id: int, quantity: int, unit_price: int
) -> ShopSale:
    """The supplier records a sale of ``quantity`` of its item at ``unit_price`` (at most the
    catalogue's price) with the voucher ``code``: the quantity is reserved and a one-time code
    goes to the person's phone."""
    account = supplier_account(actor)
    unit_price = _price(unit_price)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationFailed(ErrorCode.ORDER_QUANTITY_NOT_POSITIVE, _("Sell 1 or more."))
    now = timezone.now()
    # The voucher's, the item's and the trail's locks go at the commit, before the disk's
    # flush, which the sale's answer still waits for (core/durability.py): sales of one item
    # do not queue behind each other's flush.
    with atomic_then_flush():
        # Voucher, then the items (the sale's and those of the lapsed sales it releases), as
        # an online order locks them: one order of locks.
        found = _at_till(actor, code, now, lock=True)
        spent = found.spent
        if found.lapsed:  # rare: a pending sale past its hold is given back first
            voucher = Voucher.objects.get(pk=found.voucher_id)  # locked above
            release_lapsed(voucher, items=[item_id], now=now)
            spent = voucher.spent
        left = found.quantity - spent
        item = _lock_item(found.supplier_id, item_id)
        if item is None:
            raise NotFound(ErrorCode.ITEM_NOT_YOURS, _("No such item in your catalogue."))
        item_category, item_price, item_stock = item
        refusal = _refusal(found, left, timezone.localdate())
        if refusal is not None:
            code_, message = refusal
            kind = (
                Conflict
                if code_ in (ErrorCode.VOUCHER_SPENT, ErrorCode.SUPPLIER_SUSPENDED)
                else ValidationFailed
            )
            raise kind(code_, message)
        if item_category != found.category:
            raise ValidationFailed(
                ErrorCode.VOUCHER_CATEGORY, _("This voucher is for another kind of item.")
            )
        if unit_price > item_price:
            raise ValidationFailed(
                ErrorCode.SALE_PRICE_ABOVE_CATALOGUE,
                _("The price is above your catalogue's price of %(price)s."),
                price=format_tenge(item_price),
            )
        if quantity > left:
            raise Conflict(
                ErrorCode.VOUCHER_SPENT,
                _("Only %(left)s left on this voucher; %(quantity)s asked."),
                left=left,
                quantity=quantity,
            )
        if item_stock is not None and item_stock < quantity:
            raise Conflict(
                ErrorCode.OUT_OF_STOCK,
                _("Only %(stock)s in stock; %(quantity)s asked."),
                stock=item_stock,
                quantity=quantity,
            )
        price = quote(Voucher(cap_per_unit=found.cap_per_unit), Item(price=unit_price), quantity)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE marketplace_voucher SET spent = %s WHERE id = %s",
                [spent + quantity, found.voucher_id],
            )
            if item_stock is not None:
                cursor.execute(
                    "UPDATE marketplace_item SET stock = %s WHERE id = %s",
                    [item_stock - quantity, item_id],
                )
        sale = ShopSale(
            voucher_id=found.voucher_id,
            item_id=item_id,
            supplier_id=found.supplier_id,
            quantity=quantity,
            unit_price=price.unit_price,
            state_per_unit=price.state_per_unit,
            co_payment_per_unit=price.co_payment_per_unit,
            recorded_by_id=account.pk,
            recorded_at=now,
            expires_at=now + SALE_HOLD,
        )
        rows.insert_one(sale)
        sent = _send_code(sale, found.person_phone)
        record_write(
            actor=actor,
            action="sale_record",
            entity="shop_sale",
            entity_id=sale.pk,
            data={
                "voucher": found.voucher_id,
                "item": item_id,
                "quantity": quantity,
                "state_pays": price.state_pays,
                "co_payment": price.co_payment,
                "code_sent": sent,
            },
        )
    return sale


# --- confirming ---------------------------------------------------------------------------------


def _not_found() -> NotFound:
    return NotFound(ErrorCode.SALE_NOT_FOUND, _("No such sale, or not yours."))


def _locked(sale_id: int) -> tuple[Voucher, ShopSale, bool]:
    """The sale and its voucher, and whether its supplier may still sell. The supplier's row
    comes first, as a suspension locks it before the vouchers it gives back to: a confirmation
    racing a suspension waits for it and reads the supplier's new status. Then the voucher,
    the sale, and the items (the order every writer keeps); a sale past its hold is expired on
    the way."""
    row = ShopSale.objects.filter(pk=sale_id).values_list("voucher_id", "supplier_id").first()
    if row is None:
        raise _not_found()
    voucher_id, supplier_id = row
    status = (
        Supplier.objects.select_for_update(no_key=True)
        .filter(pk=supplier_id)
        .values_list("status", flat=True)
        .get()
    )
    selling = status == Supplier.Status.VERIFIED
    voucher = Voucher.objects.select_for_update().select_related("person").get(pk=voucher_id)
    sale = ShopSale.objects.select_for_update().select_related("item").get(pk=sale_id)
    # A sale of a supplier no longer selling is cancelled and its stock given back: its item
    # is locked with those of the lapsed sales, in id order.
    release_lapsed(voucher, items=[] if selling else [sale.item_id])
    sale.refresh_from_db(fields=["state"])
    return voucher, sale, selling


def _supplier_stopped(actor: Actor, voucher: Voucher, sale: ShopSale) -> Conflict:
    """A sale recorded while its supplier was being suspended escaped the suspension's
    cancellation: it is cancelled now, as the suspension would have done (the voucher and the
    stock get their quantity back, the person and their representative are told), and the
    confirmation is refused. The caller holds the locks ``_locked`` took."""
    item = Item.objects.select_for_update().get(pk=sale.item_id)
    give_back(
        [Taken(voucher.pk, sale.item_id, sale.quantity)], {voucher.pk: voucher}, {item.pk: item}
    )
    told = sales_cancel([sale], {voucher.pk: voucher})
    record_write(
        actor=actor,
        action="sale_cancel",
        entity="shop_sale",
        entity_id=sale.pk,
        data={"reason": "supplier_suspended", "quantity_released": sale.quantity, "told": told},
    )
    return Conflict(
        ErrorCode.SUPPLIER_SUSPENDED,
        _(
            "The shop cannot sell with vouchers now: the sale is cancelled and the voucher "
            "has its quantity back."
        ),
    )


def _state_conflict(sale: ShopSale) -> Conflict:
    return Conflict(
        ErrorCode.SALE_STATE,
        _("This sale is %(state)s: it cannot be confirmed."),
        state=sale.get_state_display(),
    )


def _confirm(actor: Actor, voucher: Voucher, sale: ShopSale, *, by_code: bool) -> ShopSale:
    """The confirmed sale becomes a confirmed order: paid once, counted in the programme."""
    now = timezone.now()
    person_account = voucher.person.user if voucher.person.user_id else None
    confirmer = person_account if by_code else account_of(actor)
    order = Order.objects.create(
        voucher=voucher,
        item=sale.item,
        supplier_id=sale.supplier_id,
        region_id=voucher.person.region_id,
        quantity=sale.quantity,
        unit_price=sale.unit_price,
        state_per_unit=sale.state_per_unit,
        co_payment_per_unit=sale.co_payment_per_unit,
        state=Order.State.CONFIRMED,
        placed_by=sale.recorded_by,
        placed_at=sale.recorded_at,
        due_by=timezone.localdate(),
        delivered_at=sale.recorded_at,
        confirmed_at=now,
        confirmed_by=confirmer,
    )
    sale.state = ShopSale.State.CONFIRMED
    sale.confirmed_at = now
    sale.confirmed_by = confirmer
    sale.order = order
    sale.code_digest = ""
    sale.save(update_fields=["state", "confirmed_at", "confirmed_by", "order", "code_digest"])
    counted = _fulfil(order, timezone.localdate())
    record_write(
        actor=actor,
        action="sale_confirm",
        entity="shop_sale",
        entity_id=sale.pk,
        data={"order": order.pk, "by_code": by_code, "fulfilment_counted": counted},
    )
    return sale


def sale_confirm(*, actor: Actor, sale_id: int) -> ShopSale:
    """The person (or their representative) confirms the sale in their pages."""
    with transaction.atomic():
        voucher, sale, selling = _locked(sale_id)
        if not access.may_act_for(actor, voucher.person):
            raise _not_found()
        if sale.state != ShopSale.State.PENDING:
            raise _state_conflict(sale)
        if selling:
            return _confirm(actor, voucher, sale, by_code=False)
        # The cancellation is kept: the refusal is raised once it is committed.
        stopped = _supplier_stopped(actor, voucher, sale)
    raise stopped


def _own_sale(actor: Actor, sale_id: int) -> Supplier:
    supplier = own_supplier(actor)
    if not ShopSale.objects.filter(pk=sale_id, supplier=supplier).exists():
        raise _not_found()
    return supplier


def sale_confirm_by_code(*, actor: Actor, sale_id: int, code: str) -> ShopSale:
    """The supplier types the one-time code the person reads out from their phone. A wrong
    code counts a try (kept even though the answer is a refusal); after ``CODE_TRIES`` the code
    is dead and the person confirms in their pages or a new code is sent."""
    _own_sale(actor, sale_id)
    typed = re.sub(r"\s", "", str(code or ""))[:12]
    refusal: ValidationFailed | Conflict | None = None
    with transaction.atomic():
        voucher, sale, selling = _locked(sale_id)
        if sale.state != ShopSale.State.PENDING:
            raise _state_conflict(sale)
        if not selling:
            refusal = _supplier_stopped(actor, voucher, sale)
        elif not sale.code_digest or sale.code_tries >= CODE_TRIES:
            raise Conflict(
                ErrorCode.SALE_CODE_TRIES,
                _(
                    "This code can no longer be used: send a new one, or ask the person to "
                    "confirm in their pages."
                ),
            )
        elif sale.code_expires_at is None or sale.code_expires_at <= timezone.now():
            raise Conflict(
                ErrorCode.SALE_CODE_EXPIRED,
                _("The code has expired: send a new one."),
            )
        elif hmac.compare_digest(sale.code_digest, _code_digest(sale.pk, typed)):
            return _confirm(actor, voucher, sale, by_code=True)
        else:
            sale.code_tries += 1
            sale.save(update_fields=["code_tries"])
            record_write(
                actor=actor,
                action="sale_code_wrong",
                entity="shop_sale",
                entity_id=sale.pk,
                data={"tries": sale.code_tries},
            )
            refusal = ValidationFailed(
                ErrorCode.SALE_CODE_WRONG,
                _("The code is wrong: %(left)s tries left."),
                left=CODE_TRIES - sale.code_tries,
            )
    raise refusal


def sale_code_resend(*, actor: Actor, sale_id: int) -> bool:
    """A new one-time code for a pending sale (the old one stops working)."""
    _own_sale(actor, sale_id)
    with transaction.atomic():
        voucher, sale, _selling = _locked(sale_id)
        if sale.state != ShopSale.State.PENDING:
            raise _state_conflict(sale)
        sent = _send_code(sale, voucher.person.phone)
        record_write(
            actor=actor,
            action="sale_code_resend",
            entity="shop_sale",
            entity_id=sale.pk,
            data={"code_sent": sent},
        )
    return sent


# --- reads --------------------------------------------------------------------------------------


def supplier_sale(*, actor: Actor, sale_id: int) -> ShopSale:
    supplier = own_supplier(actor)
    sale = (
        ShopSale.objects.select_related("item", "voucher")
        .filter(pk=sale_id, supplier=supplier)
        .first()
    )
    if sale is None:
        raise _not_found()
    return sale


def person_sale(*, actor: Actor, sale_id: int) -> ShopSale:
    sale = (
        ShopSale.objects.select_related("item", "supplier", "voucher__person")
        .filter(pk=sale_id)
        .first()
    )
    if sale is None or not access.may_act_for(actor, sale.voucher.person):
        raise _not_found()
    return sale


def pending_sales_of(person_id: int) -> list[ShopSale]:
    """The person's sales waiting for their confirmation, for their wallet."""
    return list(
        ShopSale.objects.select_related("item", "supplier").filter(
            voucher__person_id=person_id,
            state=ShopSale.State.PENDING,
            expires_at__gt=timezone.now(),
        )
    )


def local_code(sale: ShopSale) -> SaleCodeMessage | None:
    """The code the local backend kept for the sale, where the pages may show it."""
    if not local_codes_shown() or sale.state != ShopSale.State.PENDING:
        return None
    return sale.code_messages.filter(expires_at__gt=timezone.now()).first()
