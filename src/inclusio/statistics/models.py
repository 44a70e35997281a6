"""The record of what was published: one row per dataset and publication, so that the
statistician sees what is not yet published for the current reference date. The figures
themselves live in the published files, never in the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    dataset = models.CharField(_("dataset"), max_length=64)
    reference_date = models.DateField(_("reference date"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    folder = models.CharField(_("folder"), max_length=500)
    snapshot_sha256 = models.CharField(_("snapshot (SHA-256 of its manifest)"), max_length=64)
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    cells = models.PositiveIntegerField(_("cells"))
    primary_cells = models.PositiveIntegerField(_("cells withheld by the threshold"))
    secondary_cells = models.PositiveIntegerField(_("cells withheld to protect others"))

    class Meta:
        ordering = ["-reference_date", "dataset", "-published_at"]
        verbose_name = _("publication of a dataset")
        verbose_name_plural = _("publications of datasets")
        permissions = [("publish_statistics", _("Publish statistics and keep them current"))]
        indexes = [models.Index(fields=["dataset", "reference_date"])]

    def __str__(self) -> str:
        return f"{self.dataset} {self.reference_date}"
