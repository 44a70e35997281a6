"""Kazakh, as Kazakhstan writes numbers and dates: 725 000 (a no-break space between groups of
three), 58,2 (a decimal comma), 25.10.2006 (day, month, year, as official documents write
them)."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first is the one a date input renders: ISO, the only value an <input type="date"> takes.
# The day-first forms are what a person types into a plain text box.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # no-break space: a figure never breaks across lines
NUMBER_GROUPING = 3
