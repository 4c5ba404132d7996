"""Create the Staff and Manager groups, and the starting reference lists (sectors
and abandon reasons) that admins then maintain. Demo users are not created here:
only ``seed_demo`` creates them."""

from django.db import migrations

GROUPS = ["Staff", "Manager"]

SECTORS = [
    # slug, English, French
    ("mountain-winter-sports", "Mountain and winter sports", "Montagne et sports d'hiver"),
    ("tourism-hospitality", "Tourism and hospitality", "Tourisme et hôtellerie"),
    ("digital-smart-city", "Digital and smart city", "Numérique et ville intelligente"),
    (
        "sustainable-development-energy",
        "Sustainable development and energy",
        "Développement durable et énergie",
    ),
    ("health", "Health", "Santé"),
    (
        "higher-education-research",
        "Higher education and research",
        "Enseignement supérieur et recherche",
    ),
    ("transport-aviation", "Transport and aviation", "Transport et aérien"),
    ("microelectronics", "Microelectronics", "Microélectronique"),
    ("industry-manufacturing", "Industry and manufacturing", "Industrie"),
    ("agriculture-food", "Agriculture and food", "Agriculture et agroalimentaire"),
    ("culture-sport", "Culture and sport", "Culture et sport"),
]

ABANDON_REASONS = [
    ("Partner unresponsive", "Partenaire sans réponse"),
    ("Political change", "Changement politique"),
    ("Funding", "Financement"),
    ("Competing offer", "Offre concurrente"),
    ("Regulatory obstacle", "Obstacle réglementaire"),
    ("Strategy changed", "Changement de stratégie"),
    ("Other", "Autre"),
]


def create_groups(apps):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def create_sectors(apps):
    Sector = apps.get_model("partnerships", "Sector")
    for order, (slug, name, name_fr) in enumerate(SECTORS):
        Sector.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_fr": name_fr, "order": order}
        )


def create_abandon_reasons(apps):
    AbandonReason = apps.get_model("partnerships", "AbandonReason")
    for order, (name, name_fr) in enumerate(ABANDON_REASONS):
        AbandonReason.objects.get_or_create(
            name=name, defaults={"name_fr": name_fr, "order": order}
        )


def create(apps, schema_editor):
    create_groups(apps)
    create_sectors(apps)
    create_abandon_reasons(apps)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("partnerships", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, remove)]
