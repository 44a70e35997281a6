"""Rules as code: programme files in YAML, a small safe expression language, compiled to Ibis.

No Django here: the same rules run in the web application, in batch screening on DuckDB, and on
Spark. See docs/rules.md for the format.
"""

from inclusio.rules.compiler import evaluate, person_table, programme_table
from inclusio.rules.errors import RuleError
from inclusio.rules.expressions import Type, check_expression, parse_expression
from inclusio.rules.loader import Parameter, Programme, load_programme, load_programme_text

__all__ = [
    "Parameter",
    "Programme",
    "RuleError",
    "Type",
    "check_expression",
    "evaluate",
    "load_programme",
    "load_programme_text",
    "parse_expression",
    "person_table",
    "programme_table",
]
