"""The published tables, each defined once: its id, titles, dimensions, measure and unit, and
the DuckDB query over a snapshot folder that computes it (docs/statistics.md says what each
counts). Computing reads the snapshot's Parquet files only, never the database.

A table is a full cube: every combination of its dimensions' codes and of ``_T`` (the total over
that dimension) has a cell, zero when nobody is in it, so that the published file is additive
over every dimension and the disclosure control can reason on its margins.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
from django.conf import settings
from django.utils.translation import get_language

from inclusio import countries
from inclusio.snapshot import domains
from inclusio.snapshot.contract import (
    DOMAIN_SCHEMAS,
    EMPLOYERS,
    FACILITIES,
    FACILITY_ASSESSMENTS,
    HOUSING_QUEUE,
    INSPECTIONS,
    MANIFEST,
    QUOTA_PLACEMENTS,
    RESIDENCES,
    SPECIAL_WORKPLACES,
    SUPPORT_MEASURES,
    parquet_path,
)
from inclusio.snapshot.history import (
    ALIVE,
    PERSONS_WITH_DISABILITIES,
    Bounds,
    create_periods_view,
    create_persons_view,
    history_bounds,
)
from inclusio.snapshot.validate import SnapshotError

TOTAL = "_T"
LANGUAGES = ("kk", "ru", "en")
# The open data's DCAT-AP catalogue: written last by publish.py, read first by published.py.
CATALOGUE = "catalogue.jsonld"


@dataclass(frozen=True)
class Text:
    """A label in the three languages the data is published in; str() gives the current one."""

    kk: str
    ru: str
    en: str

    def __str__(self) -> str:
        language = (get_language() or "en").split("-")[0]
        return str(getattr(self, language, self.en)) if language in LANGUAGES else self.en

    def as_dict(self) -> dict[str, str]:
        return {language: getattr(self, language) for language in LANGUAGES}


@dataclass(frozen=True)
class Code:
    id: str
    label: Text


TOTAL_LABEL = Text("Барлығы", "Всего", "Total")


@dataclass(frozen=True)
class Dimension:
    """A dimension of the published tables: its SDMX id (the CSV column), title and code list.
    ``codes`` None: the codes are the values the data holds (the years of the lines)."""

    id: str
    title: Text
    codes: tuple[Code, ...] | None = None

    def label(self, code: str) -> Text:
        if code == TOTAL:
            return TOTAL_LABEL
        for known in self.codes or ():
            if known.id == code:
                return known.label
        return Text(code, code, code)


def _region_codes() -> tuple[Code, ...]:
    return tuple(
        Code(region["code"], Text(region["name_kk"], region["name_ru"], region["name_en"]))
        for region in countries.regions(settings.COUNTRY)
    )


def _codes(*rows: tuple[str, str, str, str]) -> tuple[Code, ...]:
    return tuple(Code(code, Text(kk, ru, en)) for code, kk, ru, en in rows)


# The bands of age (in whole years on the reference date) and of the loss of working capacity
# (the medical-social expertise's percentage; children are not assessed).
AGE_BANDS = ((0, 6), (7, 17), (18, 29), (30, 44), (45, 62))
LOSS_BANDS = ((0, 29), (30, 59), (60, 79), (80, 100))


def _dimensions() -> dict[str, Dimension]:
    dimensions = [
        Dimension("REF_AREA", Text("Өңір", "Регион", "Region"), _region_codes()),
        Dimension(
            "DISABILITY_GROUP",
            Text("Мүгедектік тобы", "Группа инвалидности", "Disability group"),
            _codes(
                ("I", "I топ", "I группа", "Group I"),
                ("II", "II топ", "II группа", "Group II"),
                ("III", "III топ", "III группа", "Group III"),
                (
                    "CHILD",
                    "18 жасқа дейінгі мүгедектігі бар бала",
                    "Ребёнок с инвалидностью до 18 лет",
                    "Child with a disability under 18",
                ),
            ),
        ),
        Dimension(
            "SEX",
            Text("Жынысы", "Пол", "Sex"),
            _codes(("M", "Ер", "Мужчины", "Male"), ("F", "Әйел", "Женщины", "Female")),
        ),
        Dimension(
            "AGE",
            Text("Жас тобы", "Возрастная группа", "Age band"),
            tuple(
                Code(
                    f"Y{low}T{high}",
                    Text(f"{low}–{high} жас", f"{low}–{high} лет", f"{low}–{high}"),
                )
                for low, high in AGE_BANDS
            )
            + _codes(("Y_GE63", "63 жас және одан үлкен", "63 года и старше", "63 and over")),
        ),
        Dimension(
            "URBANISATION",
            Text("Тұратын жері", "Местность", "Urban or rural"),
            _codes(("U", "Қала", "Город", "Urban"), ("R", "Ауыл", "Село", "Rural")),
        ),
        Dimension(
            "DISABILITY_CAUSE",
            Text("Мүгедектіктің себебі", "Причина инвалидности", "Cause of disability"),
            _codes(
                ("GENERAL_DISEASE", "Жалпы ауру", "Общее заболевание", "General disease"),
                (
                    "FROM_CHILDHOOD",
                    "Бала кезден мүгедектік",
                    "Инвалидность с детства",
                    "Disability from childhood",
                ),
                ("WORK_INJURY", "Еңбек жарақаты", "Трудовое увечье", "Work injury"),
                (
                    "OCCUPATIONAL_DISEASE",
                    "Кәсіптік ауру",
                    "Профессиональное заболевание",
                    "Occupational disease",
                ),
                (
                    "MILITARY",
                    "Әскери қызмет кезінде алынған",
                    "Получена при прохождении военной службы",
                    "Military service",
                ),
                ("OTHER", "Басқа себеп", "Иная причина", "Other cause"),
            ),
        ),
        Dimension(
            "WORK_CAPACITY_LOSS",
            Text(
                "Еңбекке қабілеттілігінен айырылу дәрежесі",
                "Степень утраты трудоспособности",
                "Loss of working capacity",
            ),
            _codes(
                (
                    "NA",
                    "Белгіленбеген (балалар)",
                    "Не устанавливается (дети)",
                    "Not assessed (children)",
                ),
            )
            + tuple(
                Code(
                    f"P{low}T{high}", Text(f"{low}–{high} %", f"{low}–{high} %", f"{low}–{high} %")
                )
                for low, high in LOSS_BANDS
            ),
        ),
        Dimension(
            "PROGRAMME",
            Text("Бағдарлама", "Программа", "Programme"),
            _codes(
                (
                    "DISABILITY_BENEFIT",
                    "Мүгедектігі бойынша жәрдемақы",
                    "Пособие по инвалидности",
                    "Disability benefit",
                ),
                (
                    "CARER_ALLOWANCE",
                    "Күтім жасайтын адамға жәрдемақы",
                    "Пособие лицу, осуществляющему уход",
                    "Carer's allowance",
                ),
            ),
        ),
        Dimension("REF_YEAR", Text("Жыл", "Год", "Year")),
        Dimension(
            "SERVICE_KIND",
            Text("Түрі", "Вид", "Kind"),
            _codes(
                (
                    "TECHNICAL_AID",
                    "Техникалық көмекші құралдар",
                    "Технические вспомогательные средства",
                    "Technical aids",
                ),
                (
                    "SIGN_LANGUAGE",
                    "Ымдау тілі маманының қызметі",
                    "Услуги специалиста жестового языка",
                    "Sign-language interpretation",
                ),
                (
                    "PERSONAL_ASSISTANT",
                    "Жеке көмекшінің қызметі",
                    "Услуги индивидуального помощника",
                    "Personal assistant",
                ),
                (
                    "SANATORIUM_TREATMENT",
                    "Санаторийлік-курорттық емдеу",
                    "Санаторно-курортное лечение",
                    "Sanatorium treatment",
                ),
            ),
        ),
    ]
    return {dimension.id: dimension for dimension in dimensions}


DIMENSIONS = _dimensions()

# --- the sources: one relation per kind of record, its columns named by the dimension ids ----

_AGE_BAND = " ".join(f"WHEN age <= {high} THEN 'Y{low}T{high}'" for low, high in AGE_BANDS)
_LOSS_BAND = " ".join(
    f"WHEN work_capacity_loss_pct <= {high} THEN 'P{low}T{high}'" for low, high in LOSS_BANDS
)

# The queries are built from the constants above only; the date is a parameter ($on).
SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    # Persons with a disability status in force on the date, alive and resident on it: the
    # one definition the CRPD report's figures read too (snapshot/history.py).
    "persons_with_disabilities": (
        ("persons", "disability"),
        f"""
        SELECT region_code AS REF_AREA, upper(category) AS DISABILITY_GROUP, sex AS SEX,
               CASE {_AGE_BAND} ELSE 'Y_GE63' END AS AGE,
               CASE WHEN urban THEN 'U' ELSE 'R' END AS URBANISATION,
               upper(cause) AS DISABILITY_CAUSE,
               CASE WHEN work_capacity_loss_pct IS NULL THEN 'NA' {_LOSS_BAND}
               END AS WORK_CAPACITY_LOSS
        FROM ({PERSONS_WITH_DISABILITIES})
        """,  # noqa: S608
    ),
    # The benefits paid in the snapshot's month, one row per recipient and programme.
    "benefit_recipients": (
        ("persons",),
        f"""
        SELECT 'DISABILITY_BENEFIT' AS PROGRAMME, p.region_code AS REF_AREA, p.sex AS SEX,
               p.disability_benefit_kzt AS amount
        FROM persons AS p WHERE p.disability_benefit_kzt > 0 AND {ALIVE}
        UNION ALL
        SELECT 'CARER_ALLOWANCE', p.region_code, p.sex, p.carer_allowance_kzt
        FROM persons AS p WHERE p.carer_allowance_kzt > 0 AND {ALIVE}
        """,  # noqa: S608
    ),
    # The individual rehabilitation programmes' lines owed in a year up to the date's.
    "programme_lines": (
        ("programme_lines",),
        """
        SELECT region_code AS REF_AREA, CAST(year AS VARCHAR) AS REF_YEAR,
               fulfilled::DOUBLE / prescribed AS ratio
        FROM programme_lines WHERE year <= year($on) AND prescribed > 0
        """,
    ),
    # The marketplace's orders received (confirmed) by the date.
    "orders": (
        ("orders",),
        """
        SELECT region_code AS REF_AREA, upper(kind) AS SERVICE_KIND
        FROM orders WHERE state = 'confirmed' AND confirmed_on <= $on
        """,
    ),
}

Measure = Literal["count", "amount", "rate"]
_AGGREGATES: dict[Measure, str] = {
    "count": "count(*)",
    "amount": "sum(amount)",
    "rate": "round(100 * avg(ratio), 1)",
}


@dataclass(frozen=True)
class Table:
    """A published table. ``follows``: the counting table (same source and dimensions) whose
    withheld cells this table withholds too — an amount or a rate built on a withheld count."""

    id: str
    title: Text
    definition: Text
    source: str
    dimensions: tuple[str, ...]
    measure: Measure
    unit: str  # SDMX UNIT_MEASURE: PS persons, NUMBER, KZT, PT percent
    follows: str | None = None
    version: str = "1.0"

    def __post_init__(self) -> None:
        for dimension in self.dimensions:
            if dimension not in DIMENSIONS:
                raise ValueError(f"table {self.id}: no dimension {dimension!r}")

    @property
    def structure_id(self) -> str:
        return f"INCLUSIO:{self.id}({self.version})"


_PWD_DEFINITION = Text(
    "Көрсетілген күні мүгедектік мәртебесі күшінде болған (белгіленген күні сол күннен кеш "
    "емес, қайта куәландыру мерзімі өтпеген), сол күні тірі және елде тұратын адамдар саны. "
    "Жасы — сол күнгі толық жылдар.",
    "Число лиц, у которых на отчётную дату действует статус инвалидности (установлен не позднее "
    "этой даты, срок переосвидетельствования не истёк), живых и проживающих в стране на эту "
    "дату. Возраст — полных лет на эту дату.",
    "Persons whose disability status is in force on the reference date (established on or "
    "before it, its re-examination date not passed), alive and resident on that date. Age in "
    "whole years on that date.",
)


def _pwd(table_id: str, dimensions: tuple[str, ...], kk: str, ru: str, en: str) -> Table:
    return Table(
        id=table_id,
        title=Text(
            f"Мүгедектігі бар адамдар: {kk}",
            f"Лица с инвалидностью: {ru}",
            f"Persons with disabilities by {en}",
        ),
        definition=_PWD_DEFINITION,
        source="persons_with_disabilities",
        dimensions=dimensions,
        measure="count",
        unit="PS",
    )


_BENEFITS_DEFINITION = Text(
    "Снапшот айында мүгедектігі бойынша жәрдемақы немесе күтім жасайтын адамға жәрдемақы "
    "алған адамдар (тірі және елде тұратын), олардың өңірі мен жынысы бойынша.",
    "Лица, получившие в месяце снапшота пособие по инвалидности или пособие по уходу (живые и "
    "проживающие в стране), по региону и полу получателя.",
    "Persons paid the disability benefit or the carer's allowance in the snapshot's month "
    "(alive and resident), by the recipient's region and sex.",
)
_LINES_DEFINITION = Text(
    "Жеке оңалту бағдарламаларының жылға тиесілі жолдары (қызметтер мен құралдар) және олардың "
    "орындалуы: әр жолдың орындалған ÷ тағайындалған үлесінің орташа мәні.",
    "Строки индивидуальных программ реабилитации, причитающиеся в году (услуги и средства), и "
    "их исполнение: среднее по строкам отношения исполненного к назначенному.",
    "The lines of individual rehabilitation programmes owed in a year (services and aids) and "
    "their implementation: the mean over the lines of fulfilled ÷ prescribed.",
)

TABLES: dict[str, Table] = {
    table.id: table
    for table in (
        _pwd(
            "PWD_REGION_GROUP_SEX",
            ("REF_AREA", "DISABILITY_GROUP", "SEX"),
            "өңір, топ және жыныс бойынша",
            "по региону, группе и полу",
            "region, disability group and sex",
        ),
        _pwd(
            "PWD_REGION_AGE_SEX",
            ("REF_AREA", "AGE", "SEX"),
            "өңір, жас тобы және жыныс бойынша",
            "по региону, возрасту и полу",
            "region, age band and sex",
        ),
        _pwd(
            "PWD_REGION_RESIDENCE_GROUP",
            ("REF_AREA", "URBANISATION", "DISABILITY_GROUP"),
            "өңір, қала/ауыл және топ бойынша",
            "по региону, городу/селу и группе",
            "region, urban or rural residence and disability group",
        ),
        _pwd(
            "PWD_REGION_CAUSE_GROUP",
            ("REF_AREA", "DISABILITY_CAUSE", "DISABILITY_GROUP"),
            "өңір, себеп және топ бойынша",
            "по региону, причине и группе",
            "region, cause and disability group",
        ),
        _pwd(
            "PWD_REGION_LOSS_SEX",
            ("REF_AREA", "WORK_CAPACITY_LOSS", "SEX"),
            "өңір, еңбекке қабілеттілігінен айырылу дәрежесі және жыныс бойынша",
            "по региону, степени утраты трудоспособности и полу",
            "region, loss of working capacity and sex",
        ),
        Table(
            id="BENEFIT_RECIPIENTS",
            title=Text(
                "Жәрдемақы алушылар: бағдарлама, өңір және жыныс бойынша",
                "Получатели пособий по программе, региону и полу",
                "Benefit recipients by programme, region and sex",
            ),
            definition=_BENEFITS_DEFINITION,
            source="benefit_recipients",
            dimensions=("PROGRAMME", "REF_AREA", "SEX"),
            measure="count",
            unit="PS",
        ),
        Table(
            id="BENEFIT_AMOUNTS",
            title=Text(
                "Төленген жәрдемақылар сомасы (бір ай): бағдарлама, өңір және жыныс бойынша",
                "Сумма выплаченных пособий за месяц по программе, региону и полу",
                "Benefits paid in the month (tenge) by programme, region and sex",
            ),
            definition=_BENEFITS_DEFINITION,
            source="benefit_recipients",
            dimensions=("PROGRAMME", "REF_AREA", "SEX"),
            measure="amount",
            unit="KZT",
            follows="BENEFIT_RECIPIENTS",
        ),
        Table(
            id="IPR_LINES",
            title=Text(
                "Жеке оңалту бағдарламаларының жолдары: өңір және жыл бойынша",
                "Строки индивидуальных программ реабилитации по региону и году",
                "Lines of individual rehabilitation programmes by region and year",
            ),
            definition=_LINES_DEFINITION,
            source="programme_lines",
            dimensions=("REF_AREA", "REF_YEAR"),
            measure="count",
            unit="NUMBER",
        ),
        Table(
            id="IPR_IMPLEMENTATION",
            title=Text(
                "Жеке оңалту бағдарламаларының орындалуы (%): өңір және жыл бойынша",
                "Исполнение индивидуальных программ реабилитации (%) по региону и году",
                "Implementation of individual rehabilitation programmes (%) by region and year",
            ),
            definition=_LINES_DEFINITION,
            source="programme_lines",
            dimensions=("REF_AREA", "REF_YEAR"),
            measure="rate",
            unit="PT",
            follows="IPR_LINES",
        ),
        Table(
            id="IPR_ORDERS",
            title=Text(
                "Алынған тапсырыстар: өңір және түрі бойынша",
                "Полученные заказы по региону и виду",
                "Orders received by region and kind",
            ),
            definition=Text(
                "Маркетплейстегі тапсырыстар (техникалық құралдар мен қызметтер), көрсетілген "
                "күнге дейін алушы алғанын растаған.",
                "Заказы маркетплейса (технические средства и услуги), получение которых "
                "подтверждено получателем не позднее отчётной даты.",
                "Orders of the marketplace (technical aids and services) whose receipt the "
                "person confirmed on or before the reference date.",
            ),
            source="orders",
            dimensions=("REF_AREA", "SERVICE_KIND"),
            measure="count",
            unit="NUMBER",
        ),
    )
}


# --- the domains' tables: facilities, inspections, housing lists, job quotas ---------------
# Over the snapshot's optional domains' part (``snapshot.domains``, whose conditions the CRPD
# report's figures share); a snapshot without it skips them.


def _housing_codes() -> tuple[Code, ...]:
    return tuple(
        Code(
            row["code"].upper(),
            Text(row["names"]["kk"], row["names"]["ru"], row["names"]["en"]),
        )
        for row in countries.housing_categories(settings.COUNTRY)
    )


DIMENSIONS.update(
    {
        dimension.id: dimension
        for dimension in (
            Dimension(
                "FACILITY_KIND",
                Text("Объект санаты", "Категория объекта", "Kind of facility"),
                _codes(
                    ("HEALTH", "Денсаулық сақтау", "Здравоохранение", "Health"),
                    ("EDUCATION", "Білім беру", "Образование", "Education"),
                    ("CULTURE", "Мәдениет", "Культура", "Culture"),
                    ("SPORT", "Спорт", "Спорт", "Sport"),
                    (
                        "SOCIAL_SERVICES",
                        "Әлеуметтік қызметтер",
                        "Социальные услуги",
                        "Social services",
                    ),
                    ("TRANSPORT", "Көлік", "Транспорт", "Transport"),
                    (
                        "GOVERNMENT_SERVICES",
                        "Мемлекеттік қызметтер",
                        "Государственные услуги",
                        "Government services",
                    ),
                    ("FINANCE", "Қаржы", "Финансы", "Finance"),
                    ("JUSTICE", "Сот және құқық", "Правосудие", "Justice"),
                    (
                        "TRADE_AND_FOOD",
                        "Сауда және тамақтану",
                        "Торговля и питание",
                        "Trade and food",
                    ),
                    ("OTHER", "Басқа", "Другое", "Other"),
                ),
            ),
            Dimension(
                "ADAPTATION",
                Text("Бейімделуі", "Адаптированность", "Adaptation"),
                _codes(
                    ("ADAPTED", "Бейімделген", "Адаптирован", "Adapted"),
                    ("NOT_ADAPTED", "Бейімделмеген", "Не адаптирован", "Not adapted"),
                ),
            ),
            Dimension(
                "INSPECTION_OUTCOME",
                Text("Тексеру нәтижесі", "Результат проверки", "Outcome of the inspection"),
                _codes(
                    (
                        "PRESCRIBED",
                        "Нұсқама берілді",
                        "Выдано предписание",
                        "Prescription issued",
                    ),
                    (
                        "NO_PRESCRIPTION",
                        "Нұсқама берілмеді",
                        "Без предписания",
                        "No prescription",
                    ),
                ),
            ),
            Dimension(
                "HOUSING_CATEGORY",
                Text("Кезек санаты", "Категория очереди", "Priority category"),
                _housing_codes(),
            ),
            Dimension(
                "SUPPORT_MEASURE",
                Text("Қолдау шарасы", "Мера поддержки", "Support measure"),
                _codes(
                    ("PERMANENT_JOB", "Тұрақты жұмыс", "Постоянная работа", "Permanent job"),
                    (
                        "YOUTH_PRACTICE",
                        "Жастар практикасы",
                        "Молодёжная практика",
                        "Youth practice",
                    ),
                    (
                        "SOCIAL_WORKPLACE",
                        "Әлеуметтік жұмыс орны",
                        "Социальное рабочее место",
                        "Social workplace",
                    ),
                    ("PUBLIC_WORKS", "Қоғамдық жұмыстар", "Общественные работы", "Public works"),
                    ("FIRST_JOB", "Алғашқы жұмыс орны", "Первое рабочее место", "First job"),
                    ("SILVER_AGE", "Күміс жас", "Серебряный возраст", "Silver age"),
                    (
                        "GENERATIONAL_CONTRACT",
                        "Ұрпақтар келісімшарты",
                        "Контракт поколений",
                        "Generational contract",
                    ),
                    (
                        "SHORT_TRAINING",
                        "Қысқа мерзімді оқыту",
                        "Краткосрочное обучение",
                        "Short-term training",
                    ),
                    (
                        "BUSINESS_TRAINING",
                        "Кәсіпкерлікке оқыту («Бастау Бизнес»)",
                        "Обучение предпринимательству («Бастау Бизнес»)",
                        "Business training (Start Business)",
                    ),
                    (
                        "GRANT",
                        "Жаңа бизнес-идеяға грант",
                        "Грант на реализацию бизнес-идеи",
                        "Grant for a business idea",
                    ),
                ),
            ),
        )
    }
)

SOURCES.update(
    {
        # Every facility on the map, adapted or not as last assessed by the date.
        "facilities": (
            (FACILITIES,),
            f"""
            SELECT region_code AS REF_AREA, upper(category) AS FACILITY_KIND,
                   CASE WHEN {domains.ADAPTED} THEN 'ADAPTED' ELSE 'NOT_ADAPTED' END AS ADAPTATION
            FROM facilities
            """,  # noqa: S608
        ),
        # The inspections held by the date, by year and outcome, with the fines after them.
        "inspections": (
            (INSPECTIONS,),
            """
            SELECT region_code AS REF_AREA, CAST(year(inspected_on) AS VARCHAR) AS REF_YEAR,
                   CASE WHEN prescriptions > 0 THEN 'PRESCRIBED' ELSE 'NO_PRESCRIPTION' END
                       AS INSPECTION_OUTCOME,
                   fines_kzt AS amount
            FROM inspections WHERE inspected_on <= $on
            """,
        ),
        # The registrations waiting on the date.
        "housing_waiting": (
            (HOUSING_QUEUE,),
            f"""
            SELECT region_code AS REF_AREA, upper(category) AS HOUSING_CATEGORY
            FROM housing_queue WHERE {domains.WAITING}
            """,  # noqa: S608
        ),
        # The registrations housed by the date, by the year of their housing.
        "housing_housed": (
            (HOUSING_QUEUE,),
            """
            SELECT region_code AS REF_AREA, CAST(year(housed_on) AS VARCHAR) AS REF_YEAR,
                   upper(category) AS HOUSING_CATEGORY
            FROM housing_queue WHERE housed_on <= $on
            """,
        ),
        # Employers under the quota, the places they owe in the date's month (``amount``).
        "quota_employers": (
            (EMPLOYERS,),
            "SELECT region_code AS REF_AREA, quota_places AS amount FROM employers",
        ),
        # One row per person with a disability employed against a quota on the date.
        "quota_employed": (
            (EMPLOYERS,),
            """
            SELECT region_code AS REF_AREA
            FROM (SELECT region_code, unnest(range(quota_employed)) FROM employers)
            """,
        ),
        # The special workplaces begun by the date, by the year of their first subsidised month.
        "special_workplaces": (
            (SPECIAL_WORKPLACES,),
            """
            SELECT region_code AS REF_AREA, CAST(year(first_month) AS VARCHAR) AS REF_YEAR
            FROM special_workplaces WHERE first_month <= $on
            """,
        ),
        # Persons covered by a support measure on the date.
        "support_measures": (
            (SUPPORT_MEASURES,),
            f"""
            SELECT region_code AS REF_AREA, upper(kind) AS SUPPORT_MEASURE
            FROM support_measures WHERE {domains.COVERED}
            """,  # noqa: S608
        ),
        # The homes of the dispatchers' registry kept on the date.
        "residences": (
            (RESIDENCES,),
            f"SELECT region_code AS REF_AREA FROM residences WHERE {domains.KEPT}",  # noqa: S608
        ),
    }
)

# On another day than the snapshot's, the sources above that state the snapshot's day only (no
# date in them) are read from the domains' histories instead, when the snapshot holds them
# (``domains.dated``): the same columns, the facilities on the map and adapted on that day, the
# persons employed against a quota on it. Without the history such a table is not held then.
DATED_SOURCES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "facilities": (
        FACILITIES,
        (FACILITIES, FACILITY_ASSESSMENTS),
        f"""
        SELECT region_code AS REF_AREA, upper(category) AS FACILITY_KIND,
               CASE WHEN {domains.ADAPTED} THEN 'ADAPTED' ELSE 'NOT_ADAPTED' END AS ADAPTATION
        FROM ({domains.facilities_on(FACILITIES, FACILITY_ASSESSMENTS)})
        """,  # noqa: S608
    ),
    "quota_employed": (
        QUOTA_PLACEMENTS,
        (QUOTA_PLACEMENTS,),
        f"SELECT region_code AS REF_AREA FROM quota_placements WHERE {domains.PLACED}",  # noqa: S608
    ),
}

_FACILITIES_DEFINITION = Text(
    "Қолжетімділік картасындағы әлеуметтік инфрақұрылым объектілері және олардың көрсетілген "
    "күнге дейінгі соңғы бағалау бойынша бейімделуі (барлық міндетті өлшемшарттар орындалған).",
    "Объекты социальной инфраструктуры на карте доступности и их адаптированность по последней "
    "оценке не позднее отчётной даты (выполнены все обязательные критерии).",
    "Social infrastructure facilities on the accessibility map, adapted or not as last assessed "
    "on or before the reference date (every mandatory criterion met).",
)
_INSPECTIONS_DEFINITION = Text(
    "Көрсетілген күнге дейін жүргізілген объектілердің мүгедектер үшін қолжетімділігін "
    "мемлекеттік бақылау тексерулері, жылы мен нәтижесі бойынша; айыппұлдар — олардан кейін "
    "салынған (теңге).",
    "Проверки государственного контроля доступности объектов для лиц с инвалидностью, "
    "проведённые не позднее отчётной даты, по году и результату; штрафы — наложенные по их "
    "итогам (тенге).",
    "Inspections of the state control of facilities' accessibility held on or before the "
    "reference date, by year and outcome; fines are those imposed after them (tenge).",
)
_HOUSING_DEFINITION = Text(
    "Тұрғын үй кезегіндегі тіркеулер: көрсетілген күні кезекте тұрғандар (сол күнге дейін "
    "тіркелген, үй алмаған және шығарылмаған) және сол күнге дейін үй алғандар, жылы бойынша. "
    "Бала санатында бір тіркеу — бір отбасы.",
    "Учёт в очереди на жильё: состоящие в очереди на отчётную дату (поставлены не позднее, не "
    "получили жильё и не сняты) и получившие жильё не позднее этой даты, по году. В категории "
    "ребёнка одна запись — одна семья.",
    "Registrations on the housing waiting lists: those waiting on the reference date "
    "(registered by then, neither housed nor removed) and those housed by then, by year. In "
    "the child's category one registration is one family.",
)
_QUOTA_DEFINITION = Text(
    "Квота белгіленген жұмыс берушілер, отчеттік айдағы квота орындары (ауыр, зиянды, қауіпті "
    "жұмыстарды есептемегенде жұмыс орындарының 2–4 %-ы) және сол күні квота есебінен жұмыс "
    "істейтін мүгедектігі бар адамдар.",
    "Работодатели с квотой, квотируемые места в отчётном месяце (2–4 % рабочих мест без учёта "
    "тяжёлых, вредных и опасных работ) и лица с инвалидностью, трудоустроенные в счёт квоты на "
    "отчётную дату.",
    "Employers under the job quota, the places they owe in the reference month (2–4 % of the "
    "jobs without the heavy, harmful or dangerous ones) and the persons with disabilities "
    "employed against it on the reference date.",
)
_SUPPORT_DEFINITION = Text(
    "Көрсетілген күнге дейін басталған жұмыспен қамтуға жәрдемдесу шараларымен қамтылған "
    "мүгедектігі бар адамдар (адам мен шара бойынша бір жол), адамның өңірі бойынша.",
    "Лица с инвалидностью, охваченные мерами содействия занятости, начатыми не позднее отчётной "
    "даты (одна запись на лицо и меру), по региону лица.",
    "Persons with disabilities covered by employment support measures begun on or before the "
    "reference date (one row per person and measure), by the person's region.",
)
_RESIDENCES_DEFINITION = Text(
    "Төтенше жағдайлар диспетчерлерінің тізіліміндегі қозғалысы шектеулі мүгедектігі бар "
    "адамдардың тұрғын үйлері: көрсетілген күнге дейін енгізілген және сол күні алынып "
    "тасталмаған, тұрғын үйдің өңірі бойынша.",
    "Жилища лиц с инвалидностью с ограниченной подвижностью в реестре диспетчеров экстренных "
    "служб: внесённые не позднее отчётной даты и не исключённые на эту дату, по региону жилища.",
    "Homes of persons with disabilities with limited mobility in the emergency dispatchers' "
    "registry: recorded on or before the reference date and not withdrawn by then, by the "
    "home's region.",
)
_WORKPLACES_DEFINITION = Text(
    "Көрсетілген күнге дейін субсидиясы басталған арнаулы жұмыс орындары, бірінші "
    "субсидияланған айдың жылы бойынша.",
    "Специальные рабочие места, субсидирование которых началось не позднее отчётной даты, по "
    "году первого субсидируемого месяца.",
    "Special workplaces whose subsidy began on or before the reference date, by the year of "
    "their first subsidised month.",
)

TABLES.update(
    {
        table.id: table
        for table in (
            Table(
                id="FACILITIES_ADAPTED",
                title=Text(
                    "Әлеуметтік инфрақұрылым объектілері: өңір, санат және бейімделуі бойынша",
                    "Объекты социальной инфраструктуры по региону, категории и адаптированности",
                    "Facilities by region, kind and adaptation",
                ),
                definition=_FACILITIES_DEFINITION,
                source="facilities",
                dimensions=("REF_AREA", "FACILITY_KIND", "ADAPTATION"),
                measure="count",
                unit="NUMBER",
            ),
            Table(
                id="ACCESSIBILITY_INSPECTIONS",
                title=Text(
                    "Қолжетімділікті тексерулер: өңір, жыл және нәтиже бойынша",
                    "Проверки доступности по региону, году и результату",
                    "Accessibility inspections by region, year and outcome",
                ),
                definition=_INSPECTIONS_DEFINITION,
                source="inspections",
                dimensions=("REF_AREA", "REF_YEAR", "INSPECTION_OUTCOME"),
                measure="count",
                unit="NUMBER",
            ),
            Table(
                id="ACCESSIBILITY_FINES",
                title=Text(
                    "Тексерулерден кейінгі айыппұлдар (теңге): өңір, жыл және нәтиже бойынша",
                    "Штрафы по итогам проверок (тенге) по региону, году и результату",
                    "Fines after inspections (tenge) by region, year and outcome",
                ),
                definition=_INSPECTIONS_DEFINITION,
                source="inspections",
                dimensions=("REF_AREA", "REF_YEAR", "INSPECTION_OUTCOME"),
                measure="amount",
                unit="KZT",
                follows="ACCESSIBILITY_INSPECTIONS",
            ),
            Table(
                id="HOUSING_WAITING",
                title=Text(
                    "Тұрғын үй кезегінде тұрғандар: өңір және санат бойынша",
                    "Состоящие в очереди на жильё по региону и категории",
                    "Waiting for housing by region and priority category",
                ),
                definition=_HOUSING_DEFINITION,
                source="housing_waiting",
                dimensions=("REF_AREA", "HOUSING_CATEGORY"),
                measure="count",
                unit="NUMBER",
            ),
            Table(
                id="HOUSING_HOUSED",
                title=Text(
                    "Тұрғын үймен қамтамасыз етілгендер: өңір, жыл және санат бойынша",
                    "Обеспеченные жильём по региону, году и категории",
                    "Housed by region, year and priority category",
                ),
                definition=_HOUSING_DEFINITION,
                source="housing_housed",
                dimensions=("REF_AREA", "REF_YEAR", "HOUSING_CATEGORY"),
                measure="count",
                unit="NUMBER",
            ),
            Table(
                id="QUOTA_EMPLOYERS",
                title=Text(
                    "Квота белгіленген жұмыс берушілер: өңір бойынша",
                    "Работодатели с квотой по региону",
                    "Employers under the job quota by region",
                ),
                definition=_QUOTA_DEFINITION,
                source="quota_employers",
                dimensions=("REF_AREA",),
                measure="count",
                unit="NUMBER",
            ),
            Table(
                id="QUOTA_PLACES",
                title=Text(
                    "Квота орындары: өңір бойынша",
                    "Квотируемые рабочие места по региону",
                    "Quota places by region",
                ),
                definition=_QUOTA_DEFINITION,
                source="quota_employers",
                dimensions=("REF_AREA",),
                measure="amount",
                unit="NUMBER",
                follows="QUOTA_EMPLOYERS",
            ),
            Table(
                id="QUOTA_EMPLOYED",
                title=Text(
                    "Квота есебінен жұмысқа орналасқан мүгедектігі бар адамдар: өңір бойынша",
                    "Лица с инвалидностью, трудоустроенные в счёт квоты, по региону",
                    "Persons with disabilities employed against the quota by region",
                ),
                definition=_QUOTA_DEFINITION,
                source="quota_employed",
                dimensions=("REF_AREA",),
                measure="count",
                unit="PS",
            ),
            Table(
                id="SPECIAL_WORKPLACES",
                title=Text(
                    "Арнаулы жұмыс орындары: өңір және жыл бойынша",
                    "Специальные рабочие места по региону и году",
                    "Special workplaces by region and year",
                ),
                definition=_WORKPLACES_DEFINITION,
                source="special_workplaces",
                dimensions=("REF_AREA", "REF_YEAR"),
                measure="count",
                unit="NUMBER",
            ),
            Table(
                id="EMPLOYMENT_SUPPORT",
                title=Text(
                    "Жұмыспен қамтуға жәрдемдесу шараларымен қамтылғандар: өңір және шара бойынша",
                    "Охваченные мерами содействия занятости по региону и мере",
                    "Covered by employment support measures by region and measure",
                ),
                definition=_SUPPORT_DEFINITION,
                source="support_measures",
                dimensions=("REF_AREA", "SUPPORT_MEASURE"),
                measure="count",
                unit="PS",
            ),
            Table(
                id="EMERGENCY_RESIDENCES",
                title=Text(
                    "Диспетчерлер тізіліміндегі қозғалысы шектеулі адамдардың тұрғын үйлері: "
                    "өңір бойынша",
                    "Жилища лиц с ограниченной подвижностью в реестре диспетчеров по региону",
                    "Homes of persons with limited mobility in the dispatchers' registry by region",
                ),
                definition=_RESIDENCES_DEFINITION,
                source="residences",
                dimensions=("REF_AREA",),
                measure="count",
                unit="NUMBER",
            ),
        )
    }
)

# --- computing -------------------------------------------------------------------------------


class SnapshotIncomplete(Exception):
    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.file = file


@dataclass
class Snapshot:
    """A snapshot folder opened for the tables: DuckDB views over its Parquet files."""

    directory: Path
    reference_date: datetime.date
    files: frozenset[str]
    db: duckdb.DuckDBPyConnection = field(repr=False)

    # True: the statuses are the history part's, which answers for every day it covers; False:
    # the statuses in force on the snapshot's date only (snapshot/history.py).
    history: bool = False
    # The first domain file found breaking the snapshot contract, if any.
    broken: SnapshotError | None = None
    # The domains' files it can also give on an earlier day (``domains.dated``).
    dated: frozenset[str] = frozenset()

    @classmethod
    def open(cls, directory: Path) -> Snapshot:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        # An export names its date ``date``; the synthetic generator ``reference_date``.
        reference = datetime.date.fromisoformat(manifest.get("date") or manifest["reference_date"])
        db = duckdb.connect()
        files = set()
        history = False
        if parquet_path(directory, "persons").is_file():
            create_persons_view(db, directory)
            files.add("persons")
            periods = create_periods_view(db, directory)
            if periods is not None:
                files.add("disability")
                history = periods
        # A domain file breaking the contract is held back from DuckDB, which cannot open one
        # that is no Parquet; publishing refuses the snapshot naming it (``broken``).
        broken = None
        try:
            held = domains.present(directory)
            dated = domains.dated(directory, held)
        except SnapshotError as error:
            held, dated, broken = frozenset(), frozenset(), error
        for name in ("programme_lines", "orders", *held):
            path = parquet_path(directory, name)
            if path.is_file():
                quoted = "'" + str(path).replace("'", "''") + "'"
                db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({quoted})")  # noqa: S608
                files.add(name)
        return cls(directory, reference, frozenset(files), db, history, broken, dated)

    def manifest_sha256(self) -> str:
        return hashlib.sha256((self.directory / MANIFEST).read_bytes()).hexdigest()

    def close(self) -> None:
        self.db.close()

    def history_start(self) -> Bounds | None:
        """The days the snapshot's statuses answer for (``snapshot.history.history_bounds``):
        from the history part's ``history_from``, or without a history (or without the key) its
        own date; None without statuses."""
        if "disability" not in self.files:
            return None
        return history_bounds(self.directory, self.history, self.reference_date)

    def holds(self, table: Table) -> bool:
        return set(SOURCES[table.source][0]) <= self.files


@dataclass(frozen=True)
class Cube:
    """A computed table: per dimension its codes (without ``_T``), and every cell's value
    (keys are tuples of codes, ``_T`` included; None: no value, a rate over nobody)."""

    table: Table
    codes: tuple[tuple[str, ...], ...]
    values: dict[tuple[str, ...], float | int | None]

    def cells(self) -> Iterator[tuple[str, ...]]:
        return itertools.product(*((*codes, TOTAL) for codes in self.codes))


def _dated(query: str, on: datetime.date) -> dict[str, object]:
    """The date as the query's parameter, when it reads one: the domains' facilities and
    employers are their state on the snapshot's date, which the part holds no history of (on
    another date ``compute`` does not hold them)."""
    return {"on": on} if "$on" in query else {}


def compute(table: Table, snapshot: Snapshot, on: datetime.date) -> Cube:
    """The table's every cell on the date: one GROUP BY CUBE query over the source (the totals
    are the query's own groupings), the rows outside the code lists left out so that the
    totals are the sums of the published cells."""
    files, query = SOURCES[table.source]
    missing = sorted(set(files) - snapshot.files)
    if missing:
        raise SnapshotIncomplete(f"{missing[0]}.parquet")
    if "$on" not in query and on != snapshot.reference_date and set(files) <= set(DOMAIN_SCHEMAS):
        # A domain file without a date in the table's definition holds only the snapshot's
        # day: on another it is read from its history, or else not held, rather than its state
        # published under that date.
        history, files, query = DATED_SOURCES.get(table.source, ("", files, query))
        if history not in snapshot.dated:
            raise SnapshotIncomplete(f"{files[0]}.parquet")
    dimensions = [DIMENSIONS[name] for name in table.dimensions]
    codes: list[tuple[str, ...]] = []
    for dimension in dimensions:
        if dimension.codes is None:
            found = snapshot.db.execute(
                f"SELECT DISTINCT {dimension.id} FROM ({query}) ORDER BY 1",  # noqa: S608 — code
                _dated(query, on),
            ).fetchall()
            codes.append(tuple(str(row[0]) for row in found))
        else:
            codes.append(tuple(code.id for code in dimension.codes))
    selected = ", ".join(
        f"CASE WHEN GROUPING({name}) = 1 THEN '{TOTAL}' ELSE {name} END"
        for name in table.dimensions
    )
    within = " AND ".join(f"{name} IN (SELECT unnest(${name}))" for name in table.dimensions)
    parameters: dict[str, object] = _dated(query, on)
    parameters.update(
        {name: list(found) for name, found in zip(table.dimensions, codes, strict=True)}
    )
    rows = snapshot.db.execute(
        f"""
        SELECT {selected}, {_AGGREGATES[table.measure]}
        FROM ({query}) WHERE {within}
        GROUP BY CUBE ({", ".join(table.dimensions)})
        """,  # noqa: S608 — every name is the table's own definition
        parameters,
    ).fetchall()
    found_values = {tuple(row[:-1]): row[-1] for row in rows}
    empty = None if table.measure == "rate" else 0
    cube = Cube(table, tuple(codes), {})
    for key in cube.cells():
        value = found_values.get(key, empty)
        cube.values[key] = (
            float(value)
            if table.measure == "rate" and value is not None
            else (int(value) if value is not None else None)
        )
    return cube
