"""The platform's own date and number formats (``FORMAT_MODULE_PATH``), where Django's own are
missing or unfit: Django has none for Kazakh (its pages showed 58.2 and 725000, the English
way), and its Russian date inputs render dates as 25.10.2006, which an ``<input type="date">``
cannot show.

Numbers are grouped where a figure is shown (``number_format(..., force_grouping=True)``, the
``figure`` template filter), never through ``USE_THOUSAND_SEPARATOR``: that would group every
integer a template prints — years (2 024), ids in addresses, form values read back — while
machine formats (SDMX-CSV, JSON, the CSV exports) are written by Python, not by templates, and
stay 725000 and 58.2 in every language.
"""
