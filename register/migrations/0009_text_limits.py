"""Bound the texts people write and refuse control characters in them
(lib/text.py).

Only the fields' validators and the long texts' max_length change: a TextField's
max_length changes no column, on PostgreSQL or SQLite, so the database is left
as it is. (On SQLite, Django would rebuild each table to alter the field, and
the rebuild would drop the triggers that keep the full-text indexes of
organisations and services up to date; see 0002_full_text_search.) Texts
already longer than the limit stay as they are, until their object is next
edited: its form then asks to shorten them.
"""

import django.core.validators
import lib.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0008_organisation_published_help'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='assessment',
                    name='note',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='justification'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='function',
                    field=models.CharField(blank=True, max_length=200, validators=[lib.text.validate_line], verbose_name='fonction'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='name',
                    field=models.CharField(max_length=200, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='phone',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='téléphone'),
                ),
                migrations.AlterField(
                    model_name='historicalcontact',
                    name='function',
                    field=models.CharField(blank=True, max_length=200, validators=[lib.text.validate_line], verbose_name='fonction'),
                ),
                migrations.AlterField(
                    model_name='historicalcontact',
                    name='name',
                    field=models.CharField(max_length=200, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
                migrations.AlterField(
                    model_name='historicalcontact',
                    name='phone',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='téléphone'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='acronym',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='sigle'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='description',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='external_id',
                    field=models.CharField(blank=True, help_text="Un identifiant stable venu d'un autre système, pour les imports.", max_length=100, validators=[lib.text.validate_line], verbose_name='identifiant externe'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='name',
                    field=models.CharField(max_length=255, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='name_de',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='nom officiel (allemand)'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='name_fr',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='nom officiel (français)'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='name_nl',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='nom officiel (néerlandais)'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='phone',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='téléphone'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='postal_code',
                    field=models.CharField(blank=True, max_length=4, validators=[lib.text.validate_line], verbose_name='code postal'),
                ),
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='street',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='adresse'),
                ),
                migrations.AlterField(
                    model_name='historicalrelation',
                    name='note',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='remarque'),
                ),
                migrations.AlterField(
                    model_name='historicalrelation',
                    name='source_note',
                    field=models.CharField(blank=True, help_text='Par exemple : enquête de mars 2026, réunion de cadrage.', max_length=255, validators=[lib.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='historicalservice',
                    name='capacity_unit',
                    field=models.CharField(blank=True, help_text='Par exemple : places, personnes par mois.', max_length=60, validators=[lib.text.validate_line], verbose_name='unité de capacité'),
                ),
                migrations.AlterField(
                    model_name='historicalservice',
                    name='description',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='historicalservice',
                    name='eligibility',
                    field=models.TextField(blank=True, help_text='Par exemple : attestation de protection temporaire requise.', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name="conditions d'accès"),
                ),
                migrations.AlterField(
                    model_name='historicalservice',
                    name='opening_hours',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='horaires'),
                ),
                migrations.AlterField(
                    model_name='historicalservice',
                    name='referral_how',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='comment orienter'),
                ),
                migrations.AlterField(
                    model_name='historicalservice',
                    name='title',
                    field=models.CharField(max_length=255, validators=[lib.text.validate_line], verbose_name='intitulé'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='acronym',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='sigle'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='description',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='external_id',
                    field=models.CharField(blank=True, help_text="Un identifiant stable venu d'un autre système, pour les imports.", max_length=100, validators=[lib.text.validate_line], verbose_name='identifiant externe'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='name',
                    field=models.CharField(max_length=255, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='name_de',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='nom officiel (allemand)'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='name_fr',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='nom officiel (français)'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='name_nl',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='nom officiel (néerlandais)'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='phone',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='téléphone'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='postal_code',
                    field=models.CharField(blank=True, max_length=4, validators=[lib.text.validate_line], verbose_name='code postal'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='street',
                    field=models.CharField(blank=True, max_length=255, validators=[lib.text.validate_line], verbose_name='adresse'),
                ),
                migrations.AlterField(
                    model_name='relation',
                    name='note',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='remarque'),
                ),
                migrations.AlterField(
                    model_name='relation',
                    name='source_note',
                    field=models.CharField(blank=True, help_text='Par exemple : enquête de mars 2026, réunion de cadrage.', max_length=255, validators=[lib.text.validate_line], verbose_name='source'),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='capacity_unit',
                    field=models.CharField(blank=True, help_text='Par exemple : places, personnes par mois.', max_length=60, validators=[lib.text.validate_line], verbose_name='unité de capacité'),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='description',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='eligibility',
                    field=models.TextField(blank=True, help_text='Par exemple : attestation de protection temporaire requise.', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name="conditions d'accès"),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='opening_hours',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='horaires'),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='referral_how',
                    field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000), lib.text.validate_text], verbose_name='comment orienter'),
                ),
                migrations.AlterField(
                    model_name='service',
                    name='title',
                    field=models.CharField(max_length=255, validators=[lib.text.validate_line], verbose_name='intitulé'),
                ),
            ],
        ),
    ]
