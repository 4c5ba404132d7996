"""The rows a working installation cannot do without: the Staff and Manager
groups, and the starting reference lists (sectors, abandon reasons, the
standard indicators of targets and results).

Migrations 0002 and 0022 create them. A database flush (``manage.py flush``, and the
test runner between transactional tests) empties every table, then sends
``post_migrate``: this handler puts them back. It fills only what is missing
(a group) or empty (a whole list), so a sector an admin deleted stays deleted.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps

SEED = "partnerships.migrations.0002_roles_and_reference_lists"
INDICATORS_SEED = "partnerships.migrations.0022_indicators_and_dormancy"


def restore_after_flush(
    sender: AppConfig, *, using: str = "default", apps=global_apps, **kwargs
) -> None:
    """``migrate`` passes the migrated state as ``apps``; ``flush`` passes none."""
    seed = import_module(SEED)
    Group = apps.get_model("auth", "Group")
    Sector = apps.get_model("partnerships", "Sector")
    AbandonReason = apps.get_model("partnerships", "AbandonReason")
    if Group.objects.using(using).filter(name__in=seed.GROUPS).count() < len(seed.GROUPS):
        seed.create_groups(apps)
    if not Sector.objects.using(using).exists():
        seed.create_sectors(apps)
    if not AbandonReason.objects.using(using).exists():
        seed.create_abandon_reasons(apps)
    try:
        Indicator = apps.get_model("partnerships", "Indicator")
    except LookupError:  # migrated to a state before 0022
        return
    if not Indicator.objects.using(using).exists():
        import_module(INDICATORS_SEED).add_indicators(apps, None)
