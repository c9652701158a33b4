from django.db import models


class Counter(models.Model):
    """A named gap-free sequence (索引号, 档号, application numbers)."""

    key = models.CharField(max_length=120, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


def next_number(key: str) -> int:
    """The next number of `key`. Call inside the caller's transaction: the row lock makes it gap-free
    and unique under concurrency (a rolled-back action gives its number back)."""
    Counter.objects.bulk_create([Counter(key=key, value=0)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update().get(key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
