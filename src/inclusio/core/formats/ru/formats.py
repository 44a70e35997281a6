"""Russian: Django's own formats (725 000, 58,2, 25.10.2006), except that a date input renders
its date in ISO form first, the only value an <input type="date"> takes (Django's renders
25.10.2006, which the browser drops, so a form shown again lost its dates)."""

from django.conf.locale.ru.formats import *  # noqa: F403
from django.conf.locale.ru.formats import DATE_INPUT_FORMATS as _DJANGO_DATE_INPUT_FORMATS

DATE_INPUT_FORMATS = ["%Y-%m-%d", *_DJANGO_DATE_INPUT_FORMATS]
