"""Synthetic suppliers and catalogue for the demo: the Social Services Portal of one region.

The demo region gets a dozen suppliers of aids, hygiene products and services registered there
(most verified, one waiting for verification, one suspended, so the officer's register and the
catalogue's rules both show), with items priced around the state price caps: most at or under,
some above (a co-payment later). Sanatorium treatment comes from the country's 104 sanatoriums
(seed: 84,500 stays in 104 sanatoriums in 2023), spread over the regions and serving every
region, each with places on the coming Mondays.

Like the registry load, this writes rows directly (the services check one supplier's
representative at a time), and the load as a whole is one audit event. Running it again adds
nothing: suppliers are known by their BIN.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from inclusio.core.audit import SYSTEM, record_write
from inclusio.core.identifiers import check_digit
from inclusio.core.models import Region, User
from inclusio.marketplace.catalogue import caps_on, categories
from inclusio.marketplace.models import Item, Order, SanatoriumPlaces, Supplier, Voucher
from inclusio.registry.models import Person

NATIONAL_SANATORIUMS = 104  # seed §118
REGIONAL_SUPPLIERS = 12
SEED = 20231
# The shares of the demo region's items priced above the state cap, and how far around it.
ABOVE_CAP_SHARE = 0.25
# A demo IBAN's bank and account prefix; each supplier's account number follows.
IBAN_BANK = "125KZT"

SUPPLIER_NAMES = (
    "Медтехника Астана",
    "Ортосервис",
    "Қамқор Медикал",
    "Есту Әлемі",
    "Реабилитация Плюс",
    "Тифлоцентр Нұр",
    "Гигиена Сервис",
    "Ымдау Тілі Орталығы",
    "Көмекші Қызмет",
    "Ортопед-Саулық",
    "Жол Реабилитация",
    "Сурдотехника KZ",
)
SANATORIUM_NAMES = (
    "Алатау",
    "Бурабай",
    "Сарыагаш",
    "Жаңақорған",
    "Мойылды",
    "Алмаарасан",
    "Ақбұлақ",
    "Рахмановские ключи",
    "Шифа",
    "Балқаш",
    "Ұлытау",
    "Арасан",
    "Көктөбе",
)
# Plain-language sentences by kind of category, in the three languages.
PLAIN = {
    "goods": {
        "kk": "{name}. Жеткізу {days} күн. Жеткізуші қалай қолдануды көрсетеді.",
        "ru": "{name}. Доставка за {days} дн. Поставщик покажет, как пользоваться.",
        "en": "{name}. Delivered in {days} days. The supplier shows you how to use it.",
    },
    "hourly": {
        "kk": "{name}. Бағасы бір сағатқа. Маман сізге келеді немесе бейне арқылы қосылады.",
        "ru": "{name}. Цена за один час. Специалист приходит к вам или подключается по видео.",
        "en": "{name}. The price is for one hour. The specialist comes to you or joins by video.",
    },
    "sanatorium": {
        "kk": "{name}. Емдеу курсы 14 күн: тұру, тамақ, дәрігер және емдеу шаралары.",
        "ru": "{name}. Курс лечения 14 дней: проживание, питание, врач и процедуры.",
        "en": "{name}. A 14-day course: room, meals, a doctor and treatments.",
    },
}


def make_bin(serial: int, registered: dt.date) -> str:
    """A resident legal entity's BIN (fifth digit 4, head office) with a valid check digit.

    When no check digit fits, the entity is taken as registered a month later: the serial is
    kept, so distinct serials (0 to 99,999) always give distinct BINs."""
    if not 0 <= serial < 100_000:
        raise ValueError(f"a BIN's serial has five digits, not {serial}")
    month = registered.replace(day=1)
    while True:
        head = f"{month:%y%m}40{serial:05d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"
        month = (month + dt.timedelta(days=31)).replace(day=1)


def make_iban(account: int) -> str:
    bban = f"{IBAN_BANK}{account:010d}"
    digits = "".join(str(int(char, 36)) for char in bban + "KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


def _representative(bin_: str, region: Region, group: Group) -> User:
    user, _created = User.objects.get_or_create(
        username=f"supplier_{bin_}", defaults={"region": region}
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(group)
    return user


def _price(rng: random.Random, cap: int) -> int:
    share = rng.uniform(1.03, 1.3) if rng.random() < ABOVE_CAP_SHARE else rng.uniform(0.6, 1.0)
    step = 10 if cap < 10_000 else 100
    return max(step, round(cap * share / step) * step)


def _item(supplier: Supplier, code: str, name: str, price: int, rng: random.Random) -> Item:
    of = categories()[code]
    kind = "goods" if of.goods else "hourly" if of.hourly else "sanatorium"
    days = 0 if of.hourly else rng.choice((1, 3, 5, 7, 10, 14, 21))
    texts = {lang: PLAIN[kind][lang].format(name=of.names[lang], days=days) for lang in PLAIN[kind]}
    return Item(
        supplier=supplier,
        category=code,
        name=name,
        price=price,
        description=f"{of.names['ru']}. {name}.",
        accessible_kk=texts["kk"],
        accessible_ru=texts["ru"],
        accessible_en=texts["en"],
        lead_time_days=days,
        stock=rng.randint(0, 40) if of.goods else None,
    )


@transaction.atomic
def load_demo_marketplace(region_code: str, *, demo_account: User | None = None) -> int:
    """Suppliers and items for ``region_code`` and the national sanatoriums; returns how many
    suppliers were added. ``demo_account`` (the demo's supplier login) represents the first."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic data, not a secret
    today = timezone.localdate()
    caps = caps_on(today)
    region = Region.objects.get(code=region_code)
    every_region = list(Region.objects.order_by("code"))
    group = Group.objects.get(name="supplier")
    known = categories()
    ordinary = [code for code, of in known.items() if not of.sanatorium]
    sanatorium = next(code for code, of in known.items() if of.sanatorium)
    existing = set(Supplier.objects.values_list("bin", flat=True))
    added = sanatoriums = 0
    items: list[Item] = []
    places: list[SanatoriumPlaces] = []

    def supplier(serial: int, name: str, home: Region, codes: list[str], status: str) -> Supplier:
        bin_ = make_bin(serial, dt.date(2010 + serial % 14, 1 + serial % 12, 1))
        account = demo_account if serial == 1 and demo_account is not None else None
        return Supplier.objects.create(
            bin=bin_,
            legal_name=name,
            region=home,
            categories=codes,
            iban=make_iban(serial),
            phone=f"+7 717 2{serial:02d} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            address=f"{home}, {rng.randint(1, 120)}",
            representative=account or _representative(bin_, home, group),
            status=status,
            status_reason="Лицензия приостановлена (демо)" if status == "suspended" else "",
        )

    for serial, name in enumerate(SUPPLIER_NAMES[:REGIONAL_SUPPLIERS], start=1):
        if make_bin(serial, dt.date(2010 + serial % 14, 1 + serial % 12, 1)) in existing:
            continue
        status = {11: "pending", 12: "suspended"}.get(serial, "verified")
        codes = sorted(rng.sample(ordinary, rng.randint(2, 4)), key=ordinary.index)
        row = supplier(serial, f"ТОО «{name}»", region, codes, status)
        row.regions_served.set([region, *rng.sample(every_region, 2)])
        added += 1
        for code in codes:
            for number in range(rng.randint(3, 8)):
                title = f"{known[code].names['ru']} — {name} {chr(65 + number)}"
                items.append(_item(row, code, title, _price(rng, caps[code]), rng))

    mondays = [today + dt.timedelta(days=7 * week - today.weekday() + 7) for week in range(8)]
    for number in range(NATIONAL_SANATORIUMS):
        serial = 1000 + number
        if make_bin(serial, dt.date(2010 + serial % 14, 1 + serial % 12, 1)) in existing:
            continue
        home = every_region[number % len(every_region)]
        name = f"Санаторий «{SANATORIUM_NAMES[number % len(SANATORIUM_NAMES)]}-{number + 1}»"
        row = supplier(serial, name, home, [sanatorium], "verified")
        row.regions_served.set(every_region)
        added += 1
        item = _item(row, sanatorium, name, _price(rng, caps[sanatorium]), rng)
        item.save()
        sanatoriums += 1
        places += [
            SanatoriumPlaces(item=item, day=day, places=rng.randint(0, 30)) for day in mondays
        ]
    Item.objects.bulk_create(items)
    SanatoriumPlaces.objects.bulk_create(places)
    record_write(
        actor=SYSTEM,
        action="synthetic_marketplace_load",
        entity="marketplace",
        entity_id=region_code,
        data={"suppliers": added, "items": len(items) + sanatoriums},
    )
    return added


def load_demo_orders(person_account: User) -> Order | None:
    """The demo person's vouchers and an order in progress: their programme is issued again
    (as a decision would) prescribing a manual wheelchair — the demo's walk finds one within
    the voucher — and an item the demo supplier sells, which they have ordered and the
    supplier has accepted. None (and nothing done) when the person has an order already or no
    status in force."""
    from inclusio.marketplace import orders
    from inclusio.rehabilitation.services import Prescribed, programme_issue

    person = Person.objects.filter(user=person_account).first()
    if person is None or Order.objects.filter(voucher__person=person).exists():
        return None
    status = person.statuses.filter(superseded_at__isnull=True, ended=False).first()
    shop = Supplier.objects.filter(representative__username="supplier", status="verified").first()
    if status is None or shop is None:
        return None
    other = next(
        (
            code
            for code in shop.categories
            if code != "wheelchair_manual"
            and Item.objects.filter(supplier=shop, category=code).exists()
        ),
        None,
    )
    prescription = [Prescribed("wheelchair_manual", 1)]
    if other is not None:
        # Goods: one ordered online, two left for the demo supplier's till.
        prescription.append(Prescribed(other, 3 if categories()[other].goods else 2))
    with transaction.atomic():
        programme_issue(actor=SYSTEM, person=person, status=status, prescription=prescription)
        if other is None:
            return None
        item = Item.objects.filter(supplier=shop, category=other).order_by("price").first()
        voucher = Voucher.objects.get(person=person, category=other, state="active")
        assert item is not None
        if item.stock is not None and item.stock < 1:
            item.stock = 5
            item.save(update_fields=["stock"])
        price = orders.quote(voucher, item, 1)
        order = orders.order_place(
            actor=person_account,
            voucher_id=voucher.pk,
            item_id=item.pk,
            quantity=1,
            co_payment_accepted=price.co_payment or None,
        )
        return orders.order_accept(actor=shop.representative, order_id=order.pk)


def demo_till_voucher() -> Voucher | None:
    """A voucher of the demo person that the demo supplier's till accepts today: of goods it
    sells, in force, with units left — printed with the demo accounts, so an in-shop sale can be
    tried at the till (the person confirms it in their wallet or by the code the development
    outbox shows)."""
    shop = Supplier.objects.filter(representative__username="supplier", status="verified").first()
    if shop is None:
        return None
    today = timezone.localdate()
    known = categories()
    sold = [
        code
        for code in Item.objects.filter(supplier=shop).values_list("category", flat=True).distinct()
        if code in known and known[code].goods
    ]
    for voucher in Voucher.objects.filter(
        person__user__username="person",
        state=Voucher.State.ACTIVE,
        category__in=sold,
        valid_from__lte=today,
        valid_until__gte=today,
        person__region__in=shop.regions_served.all(),
    ).order_by("category", "id"):
        if voucher.left > 0:
            return voucher
    return None
