from __future__ import annotations

from django.db import models


class NeedQuerySet(models.QuerySet):
    def in_ward(self, ward):
        """Needs for the ward itself or for any neighbourhood in it (uses the denormalised ward)."""
        return self.filter(area_ward=ward)

    def in_neighbourhood(self, neighbourhood):
        return self.filter(neighbourhood=neighbourhood)

    def borough_wide(self):
        return self.filter(borough_wide=True)

    def accepted(self):
        return self.filter(status__in=[s.value for s in self.model.ACCEPTED])

    def open(self):
        return self.filter(status=self.model.Status.OPEN)

    def for_list(self):
        """Only what a list row shows, with its place names joined in one query."""
        return self.select_related("neighbourhood", "ward").only(
            "id", "kind", "title", "category", "status", "support_count", "created_at", "borough_wide",
            "neighbourhood", "ward", "neighbourhood__name", "neighbourhood__slug", "ward__name", "ward__slug",
        )
