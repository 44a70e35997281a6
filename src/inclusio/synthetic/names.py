"""Names and addresses for synthetic persons, derived from their IIN and family: never stored in
the snapshot, always the same for the same person.

A family is Kazakh- or Russian-named (three to one, illustrative) and shares a surname, in the
form for each member's sex; given name and patronymic follow from the IIN. Addresses name the
region's towns for urban families and a village for rural ones. Everything is vectorised: the
hash of an identifier picks an entry of a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

KAZAKH_FAMILY_SHARE = 0.75


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    # (father's given name, patronymic of a son, patronymic of a daughter)
    fathers: tuple[tuple[str, str, str], ...]
    # (surname of a man, surname of a woman)
    surnames: tuple[tuple[str, str], ...]
    language: str


def _words(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(separator))


def _ov(stems: str) -> tuple[tuple[str, str], ...]:
    """Surnames that take -а in the female form (Ахметов, Ахметова)."""
    return tuple((stem, stem + "а") for stem in stems.split())


def _fathers(names: str) -> tuple[tuple[str, str, str], ...]:
    """Fathers' names whose patronymics are regular: Серик → Серикович, Сериковна."""
    return tuple((name, name + "ович", name + "овна") for name in names.split())


KAZAKH = NamePool(
    male=_words(
        "Нурлан Ерлан Серик Бауыржан Асхат Марат Данияр Арман Ерболат Жанат Кайрат Талгат Асет "
        "Дамир Азамат Бахыт Мурат Ержан Галым Нуржан Алмас Берик Даулет Айдос Максат Санжар "
        "Ернар Нурсултан Алихан Темирлан"
    ),
    female=_words(
        "Айгуль Гульнара Динара Жанар Сауле Айжан Асель Мадина Алия Камила Айгерим Дана Жулдыз "
        "Карлыгаш Гульмира Назгуль Салтанат Меруерт Томирис Аружан Инкар Айсулу Балжан Ботагоз "
        "Раушан Акбота Дильназ Жансая Аяулым Молдир"
    ),
    fathers=_fathers(
        "Серик Нурлан Ерлан Марат Асхат Кайрат Талгат Мурат Ержан Берик Болат Жанат Алмас Нуржан "
        "Ерболат Галым Азамат Бахыт Даулет Арман Руслан Тимур Канат Бекжан Айдар"
    ),
    surnames=_ov(
        "Ахметов Сериков Нурланов Жумабаев Искаков Абдрахманов Касымов Омаров Сулейменов "
        "Тулегенов Бекмуханов Байжанов Ермеков Жаксылыков Кенжебаев Мухамедов Нургалиев "
        "Смагулов Токтаров Утешев Шаймарданов Есенов Кудайбергенов Амиров Сагинтаев Байбеков "
        "Толеубаев Мусин Кожахметов Садыков"
    ),
    language="kk",
)
RUSSIAN = NamePool(
    male=_words(
        "Александр Сергей Андрей Дмитрий Алексей Владимир Николай Михаил Иван Евгений Виктор "
        "Павел Олег Игорь Юрий Максим Артём Денис Роман Константин"
    ),
    female=_words(
        "Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Людмила Галина "
        "Валентина Марина Оксана Анастасия Виктория Дарья Полина Ксения"
    ),
    fathers=(
        *_fathers("Иван Роман Максим Денис Олег Игорь Павел Виктор Константин Владимир"),
        ("Александр", "Александрович", "Александровна"),
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Андрей", "Андреевич", "Андреевна"),
        ("Алексей", "Алексеевич", "Алексеевна"),
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Евгений", "Евгеньевич", "Евгеньевна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Михаил", "Михайлович", "Михайловна"),
        ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ),
    surnames=(
        *_ov(
            "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров "
            "Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев "
            "Орлов Андреев Макаров Никитин Захаров"
        ),
        ("Ковальчук", "Ковальчук"),
        ("Шевченко", "Шевченко"),
        ("Бондаренко", "Бондаренко"),
        ("Романенко", "Романенко"),
        ("Белый", "Белая"),
    ),
    language="ru",
)
POOLS = (KAZAKH, RUSSIAN)

STREETS = _words(
    "Абая;Достык;Республики;Сейфуллина;Кабанбай батыра;Толе би;Жибек жолы;Сатпаева;Байтурсынова;"
    "Ауэзова;Жамбыла;Курмангазы;Бокейхана;Гагарина;Пушкина;Мира;Школьная;Степная;Молодёжная;"
    "Садовая;Центральная;Наурызбай батыра;Кунаева;Желтоксан;Момышулы",
    ";",
)
VILLAGES = _words(
    "Жанаталап Карабулак Акжар Коктал Садовое Берёзовка Кенжыра Жанатурмыс Актобе Талдыбулак "
    "Коксай Акбулак Караой Екпинды Жаркайын Шолаккорган Новоалексеевка Кызылжар"
)
# Towns of each region (first two KATO digits), the largest first; cities need none.
TOWNS = {
    "10": ("Семей", "Аягоз", "Курчатов"),
    "11": ("Кокшетау", "Степногорск", "Щучинск"),
    "15": ("Актобе", "Хромтау", "Кандыагаш"),
    "19": ("Конаев", "Талгар", "Каскелен"),
    "23": ("Атырау", "Кульсары"),
    "27": ("Уральск", "Аксай"),
    "31": ("Тараз", "Шу", "Каратау"),
    "33": ("Талдыкорган", "Жаркент", "Текели"),
    "35": ("Караганда", "Темиртау", "Балхаш"),
    "39": ("Костанай", "Рудный", "Лисаковск"),
    "43": ("Кызылорда", "Аральск", "Казалинск"),
    "47": ("Актау", "Жанаозен"),
    "55": ("Павлодар", "Экибастуз", "Аксу"),
    "59": ("Петропавловск", "Булаево", "Тайынша"),
    "61": ("Туркестан", "Кентау", "Сарыагаш"),
    "62": ("Жезказган", "Сатпаев", "Каражал"),
    "63": ("Усть-Каменогорск", "Риддер", "Алтай"),
}


def mix(values: np.ndarray, salt: int) -> np.ndarray:
    """A well-spread 64-bit hash of each integer (splitmix64), stable across platforms."""
    z = values.astype(np.uint64) + np.uint64((0x9E3779B97F4A7C15 * (salt + 1)) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _pick(options: list[str], hashes: np.ndarray) -> pa.Array:
    index = (hashes % np.uint64(len(options))).astype(np.int64)
    return pc.take(pa.array(options), pa.array(index))


@dataclass(frozen=True)
class Names:
    surname: pa.Array
    given_name: pa.Array
    patronymic: pa.Array
    language: pa.Array


def derive_names(iin: pa.Array, family_id: np.ndarray, female: np.ndarray) -> Names:
    """Surname from the family, given name and patronymic from the IIN, in the sex's form."""
    person_key = pc.cast(iin, pa.int64()).to_numpy()
    kazakh = (mix(family_id, 0) % np.uint64(1000)) < KAZAKH_FAMILY_SHARE * 1000
    pool = np.where(kazakh, 0, 1)
    surname_hash, given_hash, father_hash = (
        mix(family_id, 1),
        mix(person_key, 2),
        mix(person_key, 3),
    )
    parts: dict[str, list[pa.Array]] = {"surname": [], "given": [], "patronymic": []}
    order = []
    for number, names in enumerate(POOLS):
        for is_female in (False, True):
            rows = np.flatnonzero((pool == number) & (female == is_female))
            order.append(rows)
            form = int(is_female)
            parts["surname"].append(_pick([s[form] for s in names.surnames], surname_hash[rows]))
            given = names.female if is_female else names.male
            parts["given"].append(_pick(list(given), given_hash[rows]))
            parts["patronymic"].append(
                _pick([f[1 + form] for f in names.fathers], father_hash[rows])
            )
    back = np.argsort(np.concatenate(order))

    def assemble(chunks: list[pa.Array]) -> pa.Array:
        return pa.concat_arrays(chunks).take(pa.array(back))

    return Names(
        surname=assemble(parts["surname"]),
        given_name=assemble(parts["given"]),
        patronymic=assemble(parts["patronymic"]),
        language=_pick([p.language for p in POOLS], pool.astype(np.uint64)),
    )


def _places(regions: list[dict[str, Any]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every place name, and per region where its towns and its villages start in that list."""
    places: list[str] = []
    towns_at, villages_at = [], []
    for region in regions:
        name = region["name_ru"]
        towns = [name] if region["is_city"] else [f"г. {t}" for t in TOWNS.get(region["code"], ())]
        towns_at.append((len(places), len(towns) or 1))
        places += towns or [name]
        villages_at.append(len(places))
        places += [f"{name}, с. {village}" for village in VILLAGES]
    return places, np.array(towns_at), np.array(villages_at)


def derive_addresses(
    family_id: np.ndarray, region: np.ndarray, urban: np.ndarray, regions: list[dict[str, Any]]
) -> pa.Array:
    """A street address per family: "г. Костанай, ул. Абая, д. 12, кв. 40" in a town,
    "Акмолинская область, с. Акжар, ул. Школьная, д. 7" in a village. ``region`` indexes
    ``regions``; a city is its own town."""
    places, towns_at, villages_at = _places(regions)
    place_hash = mix(family_id, 4)
    town = towns_at[region, 0] + (place_hash % towns_at[region, 1].astype(np.uint64)).astype(int)
    village = villages_at[region] + (place_hash % np.uint64(len(VILLAGES))).astype(int)
    place = pc.take(pa.array(places), pa.array(np.where(urban, town, village)))
    street = pc.binary_join_element_wise("ул. ", _pick(list(STREETS), mix(family_id, 5)), "")
    house = pc.binary_join_element_wise("д. ", _numbers(mix(family_id, 6), 120), "")
    flat = pc.binary_join_element_wise("кв. ", _numbers(mix(family_id, 7), 180), "")
    in_house = pc.binary_join_element_wise(place, street, house, ", ")
    in_flat = pc.binary_join_element_wise(in_house, flat, ", ")
    return pc.if_else(pa.array(urban), in_flat, in_house)


def _numbers(hashes: np.ndarray, highest: int) -> pa.Array:
    return pc.cast(pa.array((hashes % np.uint64(highest)).astype(np.int64) + 1), pa.string())
