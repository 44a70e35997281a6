"""Published statistics: aggregate tables over a snapshot, protected by disclosure control and
written as open data (SDMX-CSV 2.0, metadata, a DCAT-AP catalogue). See docs/statistics.md."""
