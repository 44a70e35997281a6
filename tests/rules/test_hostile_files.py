"""The loader is the one gate: every hostile or careless rule file is refused with its file, its
line and a clear message, never a traceback, and none crashes the commands or the what-if page.

The corpus is ``tests/rules/hostile/``: one small file per trap (rule tests in ``cases/``, two
files with one id in ``same_id/``); the traps too large to keep as files are made here
(``GENERATED``). Each table row gives the line and a fragment of the message.
"""

from __future__ import annotations

import html
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from inclusio.benefits.management.commands import rules as rules_command
from inclusio.benefits.models import Programme as StoredProgramme
from inclusio.benefits.models import ScreeningRun
from inclusio.countries import COUNTRIES_DIR
from inclusio.countries.shared import country_parameters
from inclusio.rules.cases import run_cases
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_programme_text, load_rule_file
from inclusio.rules.reading import MAX_FILE_BYTES
from inclusio.rules.ruleset import load_rules
from tests.browser.benefits_data import make_run, programmes
from tests.factories import make_user, sign_in

HOSTILE = Path(__file__).parent / "hostile"
SHARED = country_parameters("kz")
AMBIGUOUS = "is read differently by YAML readers"
TOO_DEEP = "nested too deeply"

# file → (line, a fragment of the message)
REFUSED: dict[str, tuple[int, str]] = {
    "value_inf.yaml": (7, ".inf is not a number the rules can use"),
    "value_minus_inf.yaml": (7, "-.inf is not a number the rules can use"),
    "value_nan.yaml": (7, ".nan is not a number the rules can use"),
    "value_leading_zero.yaml": (7, f"'040567' {AMBIGUOUS} (YAML 1.2 and YAML 1.1 disagree): "),
    "value_octal_0o.yaml": (7, "write it as 40567"),
    "value_underscore.yaml": (7, f"'1_000' {AMBIGUOUS}"),
    "value_exponent.yaml": (7, "write it as 1000"),
    "value_yes.yaml": (7, "'yes' is read differently by YAML readers"),
    "value_off.yaml": (7, "write true or false, or quote it if it is a text"),
    "value_sexagesimal.yaml": (7, f"'1:20' {AMBIGUOUS}"),
    "value_binary.yaml": (7, f"'0b101' {AMBIGUOUS}"),
    "value_too_large.yaml": (7, "99999999999999999999 is out of bounds"),
    "value_too_fine.yaml": (7, "0.1234567 is out of bounds"),
    "effective_datetime.yaml": (7, "a date is written YYYY-MM-DD"),
    "effective_impossible_date.yaml": (7, "2023-02-30 is not a date"),
    "chained_plus.yaml": (12, TOO_DEEP),
    "brackets_41_deep.yaml": (12, TOO_DEEP),
    "unary_chain.yaml": (12, TOO_DEEP),
    "literal_infinite.yaml": (12, "1e999 is out of bounds"),
    "merge_key.yaml": (9, "merge keys (<<) are not allowed"),
    "python_tag.yaml": (12, "tags (tag:yaml.org,2002:python/object/apply:os.system) are not"),
    "custom_tag.yaml": (3, "tags (!vault) are not allowed"),
    "billion_laughs.yaml": (5, "anchors and aliases (& and *) are not allowed"),
    "duplicate_condition.yaml": (10, "'adult' is given twice (first on line 9)"),
    "duplicate_top_key.yaml": (2, "'id' is given twice (first on line 1)"),
    "empty.yaml": (1, "the file is empty"),
    "comments_only.yaml": (1, "the file is empty"),
    "top_list.yaml": (1, "a rule file must be a mapping"),
    "top_scalar.yaml": (1, "a rule file must be a mapping"),
    "multi_document.yaml": (13, "expected a single document"),
    "complex_key.yaml": (9, "a key must be a single value"),
    "control_character.yaml": (3, "the character U+0007 is not allowed"),
    "cp1251.yaml": (2, "not UTF-8 text (byte 0xd4; a Windows-1251"),
    "utf16_without_mark.yaml": (1, "NUL bytes (UTF-16 without a byte-order mark?)"),
    "fullwidth_condition.yaml": (9, "'ａdult': names are ASCII only"),
    "fullwidth_in_expression.yaml": (12, "U+FF52 FULLWIDTH LATIN SMALL LETTER R"),
    "fullwidth_id.yaml": (1, "'ｈostile': names are ASCII only"),
    "fullwidth_parameter.yaml": (6, "'ｒate': names are ASCII only"),
    "keyword_name.yaml": (9, "'not' is a word of the rule language"),
    "long_name.yaml": (9, "a name has at most 64 characters"),
    "non_breaking_space.yaml": (9, "U+00A0 NO-BREAK SPACE"),
    "missing_explain.yaml": (10, "the condition 'working' has no plain-language text"),
    "explain_missing_language.yaml": (11, "explain.adult: missing 'ru'"),
}
ACCEPTED = {
    "hex_value.yaml": 40567,  # 0x9E77: YAML 1.1 and 1.2 agree
    "quoted_texts.yaml": 2,  # "yes" quoted is a text
    "utf8_with_mark.yaml": 2,
    "utf16_with_mark.yaml": 2,
}


def base_lines() -> list[str]:
    return (HOSTILE / "quoted_texts.yaml").read_text(encoding="utf-8").splitlines()


def with_line(number: int, line: str) -> str:
    lines = base_lines()
    lines[number - 1] = line
    return "\n".join(lines) + "\n"


def many_conditions() -> str:
    lines = base_lines()
    conditions = [f"  c{i}: age(birth_date) >= {i % 90}" for i in range(1000)]
    return "\n".join([*lines[:8], *conditions, *lines[9:]]) + "\n"


def many_values() -> str:
    values = [
        f"    - {{effective: {2000 + i // 12}-{i % 12 + 1:02d}-01, value: {i}, reference: a}}"
        for i in range(201)
    ]
    lines = base_lines()
    return "\n".join([*lines[:6], *values, *lines[7:]]) + "\n"


# name → (the text, line, fragment): traps too large to keep as files
GENERATED: dict[str, tuple[Callable[[], str], int, str]] = {
    "nested_brackets_20000.yaml": (
        lambda: with_line(12, "amount: " + "(" * 20_000 + "rate" + ")" * 20_000),
        12,
        "characters long (at most 4,000)",
    ),
    "nested_yaml_20000.yaml": (
        lambda: with_line(5, "lol: " + "[" * 20_000 + "]" * 20_000),
        5,
        "nested too deeply: at most 12 levels",
    ),
    "conditions_1000.yaml": (many_conditions, 9, "too many conditions: 1,000 (at most 100)"),
    "parameter_values_201.yaml": (many_values, 7, "too many values of 'rate': 201"),
    "values_20001.yaml": (
        lambda: with_line(5, "lol: [" + ", ".join(["1"] * 20_001) + "]"),
        5,
        "too many values: a rule file holds at most 20,000",
    ),
    "value_5000_digits.yaml": (  # beyond what Python converts to an int (4,300 digits)
        lambda: with_line(
            7, "    - {effective: 2020-01-01, value: " + "9" * 5000 + ", reference: a}"
        ),
        7,
        "99999999999999999999… is out of bounds",
    ),
    "ten_megabytes.yaml": (
        lambda: "\n".join(base_lines()) + "\n# " + "x" * 10 * 1024 * 1024 + "\n",
        1,
        f"bytes; a rule file has at most {MAX_FILE_BYTES:,}",
    ),
}

# rule test files beside hostile/cases/hostile.yaml: file → (line, fragment)
CASES_REFUSED: dict[str, tuple[int, str]] = {
    "python_tag.test.yaml": (4, "tags (tag:yaml.org,2002:python/object/apply:os.system)"),
    "merge_key.test.yaml": (5, "merge keys (<<) are not allowed"),
    "duplicate_key.test.yaml": (5, "'iin' is given twice"),
    "yes_value.test.yaml": (5, "'yes' is read differently by YAML readers"),
    "leading_zero.test.yaml": (5, "write it as 40567"),
    "billion_laughs.test.yaml": (3, "anchors and aliases"),
    "top_list.test.yaml": (1, "a rule test file needs 'cases'"),
    "cases_not_a_list.test.yaml": (1, "'cases' must be a list"),
    "rows_not_a_list.test.yaml": (3, "persons: a list of rows, each a mapping"),
    "expect_not_a_mapping.test.yaml": (3, "'expect' must be a mapping"),
    "programme_elsewhere.test.yaml": (1, "'programme' names a rule file beside this one"),
    "cp1251.test.yaml": (3, "not UTF-8 text"),
}


def refusal(call: Callable[[], object]) -> RuleError:
    try:
        call()
    except RuleError as error:
        return error
    raise AssertionError("not refused")


def test_every_corpus_file_is_in_a_table() -> None:
    assert {p.name for p in HOSTILE.glob("*.yaml")} == set(REFUSED) | set(ACCEPTED)
    cases = {p.name for p in (HOSTILE / "cases").glob("*.test.yaml")}
    assert cases == set(CASES_REFUSED) | {"good.test.yaml"}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_file_is_refused_with_its_file_and_line(name: str) -> None:
    line, fragment = REFUSED[name]
    path = HOSTILE / name
    error = refusal(lambda: load_rule_file(path, shared=SHARED))
    assert (error.file, error.line) == (str(path), line), error
    assert fragment in error.message
    assert str(error) == f"{path}:{line}: {error.message}"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_a_generated_hostile_file_is_refused_with_its_file_and_line(
    name: str, tmp_path: Path
) -> None:
    make, line, fragment = GENERATED[name]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    error = refusal(lambda: load_rule_file(path, shared=SHARED))
    assert (error.file, error.line) == (str(path), line), error
    assert fragment in error.message
    if name != "ten_megabytes.yaml":  # the same text pasted (the what-if page) is refused alike
        text = path.read_text(encoding="utf-8")
        pasted = refusal(lambda: load_programme_text(text, file="draft.yaml", shared=SHARED))
        assert (pasted.line, pasted.message) == (line, error.message)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_what_both_yaml_readers_agree_on_loads(name: str) -> None:
    programme = load_rule_file(HOSTILE / name, shared=SHARED)
    assert programme.id == "hostile"
    assert programme.parameters["rate"].values[0].value == ACCEPTED[name]


def test_yaml_1_2_reads_only_true_and_false_as_booleans_and_decimals_exactly() -> None:
    def rate(value: str) -> object:
        text = with_line(7, f"    - {{effective: 2020-01-01, value: {value}, reference: a}}")
        text = text.replace("amount: rate * 1000\n", "")  # a bool or a text is no amount
        return load_programme_text(text, file="x.yaml").parameters["rate"].values[0].value

    assert rate("true") is True and rate("False") is False
    assert rate("'yes'") == "yes"
    assert str(rate("1.61")) == "1.61"
    assert rate("+40567") == 40567
    assert rate("0") == 0


def test_the_same_id_in_two_files_is_refused_naming_both() -> None:
    first, second = HOSTILE / "same_id" / "first.yaml", HOSTILE / "same_id" / "second.yaml"
    error = refusal(lambda: load_rules([first, second], SHARED))
    assert (error.file, error.line) == (str(second), 1)
    assert f"the id 'hostile' is also the id of {first} (line 1)" in error.message


@pytest.mark.parametrize("name", sorted(CASES_REFUSED))
def test_a_hostile_rule_test_file_is_refused_with_its_file_and_line(name: str) -> None:
    line, fragment = CASES_REFUSED[name]
    path = HOSTILE / "cases" / name
    error = refusal(lambda: run_cases(path, shared=SHARED))
    assert (error.file, error.line) == (str(path), line), error
    assert fragment in error.message


def test_the_good_rule_test_beside_them_passes() -> None:
    (outcome,) = run_cases(HOSTILE / "cases" / "good.test.yaml", shared=SHARED)
    assert outcome.passed, outcome.failures


# --- through the real entry points ----------------------------------------------------------

ON = "2024-01-01"
CARER = "child_disability_carer_benefit"


def carer_text() -> str:
    return (COUNTRIES_DIR / "kz" / "programmes" / f"{CARER}.yaml").read_text(encoding="utf-8")


def carer_trap(trap: str) -> tuple[str, int, str]:
    """The carer programme with one trap in it: its text, the trap's line, a fragment."""
    text = carer_text()
    lines = text.splitlines()
    if trap == "fullwidth_id":
        number = lines.index(f"id: {CARER}") + 1
        lines[number - 1] = "id: ｃhild_disability_carer_benefit"
        fragment = "names are ASCII only"
    elif trap == "infinite_coefficient":
        number = lines.index("      value: 1.61") + 1
        lines[number - 1] = "      value: .inf"
        fragment = ".inf is not a number the rules can use"
    elif trap == "chained_plus":
        number = next(i for i, line in enumerate(lines) if line.startswith("amount:")) + 1
        lines[number - 1] = "amount: cared_count * (" + " + ".join(["1"] * 450) + ")"
        fragment = TOO_DEEP
    elif trap == "python_tag":
        number = next(i for i, line in enumerate(lines) if line.startswith("amount:")) + 1
        lines[number - 1] = 'amount: !!python/object/apply:os.system ["echo hostile"]'
        fragment = "tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed"
    elif trap == "nested_yaml":
        number = lines.index("parameters:")
        lines.insert(number, "lol: " + "[" * 20_000 + "]" * 20_000)
        number += 1
        fragment = "nested too deeply"
    else:  # leading_zero
        number = lines.index("      value: 1.61") + 1
        lines[number - 1] = "      value: 040567"
        fragment = "write it as 40567"
    return "\n".join(lines) + "\n", number, fragment


ENTRY_POINT_TRAPS = ["python_tag", "chained_plus", "fullwidth_id", "nested_yaml", "leading_zero"]


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


@pytest.fixture
def country(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the country's programmes folder that the screen command reads."""
    folder = tmp_path / "countries" / "kz" / "programmes"
    shutil.copytree(COUNTRIES_DIR / "kz" / "programmes", folder)
    monkeypatch.setattr(rules_command, "COUNTRIES_DIR", tmp_path / "countries")
    return folder


def screen(snapshot: Path, out: Path, *extra: str) -> str:
    stdout = io.StringIO()
    call_command(
        "screen", "--snapshot", str(snapshot), "--date", ON, "--out", str(out), *extra,
        stdout=stdout,
    )  # fmt: skip
    return stdout.getvalue()


@pytest.mark.django_db  # the screen command reads the shared parameters there
@pytest.mark.parametrize("trap", [*ENTRY_POINT_TRAPS, "cp1251", "same_id", "conditions_1000"])
def test_screen_refuses_a_hostile_programme_folder_and_writes_nothing(
    trap: str, snapshot: Path, country: Path, tmp_path: Path
) -> None:
    if trap == "cp1251":
        path, line = country / "hostile.yaml", 2
        shutil.copy(HOSTILE / "cp1251.yaml", path)
        fragment = "not UTF-8 text"
    elif trap == "same_id":
        path, line = country / "zz_copy.yaml", 10
        path.write_text(carer_text(), encoding="utf-8")
        fragment = f"is also the id of {country / (CARER + '.yaml')}"
    elif trap == "conditions_1000":
        path, line = country / "hostile.yaml", 9
        path.write_text(many_conditions(), encoding="utf-8")
        fragment = "too many conditions"
    else:
        path = country / f"{CARER}.yaml"
        text, line, fragment = carer_trap(trap)
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        screen(snapshot, tmp_path / "out")
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.django_db  # the screen command reads the shared parameters there
@pytest.mark.parametrize("trap", [*ENTRY_POINT_TRAPS, "infinite_coefficient"])
def test_screen_reform_refuses_a_hostile_draft(trap: str, snapshot: Path, tmp_path: Path) -> None:
    text, line, fragment = carer_trap(trap)
    draft = tmp_path / "draft.yaml"
    draft.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        screen(snapshot, tmp_path / "out", "--reform", str(draft))
    assert str(caught.value).startswith(f"{draft}:{line}: ")
    assert fragment in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.django_db  # the screen command reads the shared parameters there
def test_screen_reform_refuses_an_unreadable_or_huge_draft(snapshot: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text(GENERATED["ten_megabytes.yaml"][0](), encoding="utf-8")
    for draft, words in (
        (HOSTILE / "cp1251.yaml", "not UTF-8 text"),
        (huge, "a rule file has at most"),
        (tmp_path / "absent.yaml", "cannot read the file"),
    ):
        with pytest.raises(CommandError, match=words) as caught:
            screen(snapshot, tmp_path / "out", "--reform", str(draft))
        assert str(caught.value).startswith(f"{draft}:")


@pytest.mark.django_db
def test_benefits_programmes_refuses_each_hostile_file_and_keeps_the_versions_in_force(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "programmes"
    shutil.copytree(COUNTRIES_DIR / "kz" / "programmes", folder)
    call_command("benefits_programmes", "--dir", str(folder), stdout=io.StringIO())
    in_force = {p.code: p.active_version_id for p in StoredProgramme.objects.all()}
    for name in ("python_tag.yaml", "cp1251.yaml", "billion_laughs.yaml", "merge_key.yaml"):
        shutil.copy(HOSTILE / name, folder / name)
    (folder / "nested.yaml").write_text(GENERATED["nested_yaml_20000.yaml"][0](), "utf-8")
    (folder / "zz_copy.yaml").write_text(carer_text().replace("1.61", "1.75"), "utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="their previous versions stay"):
        call_command("benefits_programmes", "--dir", str(folder), stdout=out)
    printed = out.getvalue()
    for name, line in (
        ("python_tag.yaml", 12),
        ("cp1251.yaml", 2),
        ("billion_laughs.yaml", 5),
        ("merge_key.yaml", 9),
        ("nested.yaml", 5),
        ("zz_copy.yaml", 10),
    ):
        assert f"{folder / name}:{line}: " in printed, name
    assert f"is also the id of {folder / 'zz_copy.yaml'}" in printed  # both files named
    assert "Traceback" not in printed
    # The carer programme's two files refuse each other: the version in force stays.
    assert {p.code: p.active_version_id for p in StoredProgramme.objects.all()} == in_force


@pytest.fixture
def run(snapshot: Path) -> ScreeningRun:
    programmes()
    return make_run(snapshot_dir=snapshot)


@pytest.mark.django_db
@pytest.mark.parametrize("trap", [*ENTRY_POINT_TRAPS, "infinite_coefficient"])
def test_the_what_if_page_refuses_a_hostile_draft_with_its_line(
    trap: str, client: Client, run: ScreeningRun
) -> None:
    text, line, fragment = carer_trap(trap)
    sign_in(client, make_user("minister", "ministry_admin", None))
    response = client.post("/en/benefits/what-if/", {"programme": CARER, "date": ON, "draft": text})
    assert response.status_code in {200, 422}
    page = html.unescape(response.content.decode())
    assert f"draft.yaml:{line}: " in page
    assert fragment in page
    assert "Result on" not in page
