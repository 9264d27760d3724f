"""Bound the texts people write and refuse control characters in them
(lib/text.py).

Only the fields' validators and the long texts' max_length change: a TextField's
max_length changes no column, on PostgreSQL or SQLite, so the database is left
as it is (on SQLite, Django would rebuild the tables to alter the fields,
copying every row for nothing). Texts already longer than the limit stay as
they are, until their body is next edited: its form then asks to shorten them.
"""

import django.core.validators
import lib.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='coordinationbody',
                    name='acronym',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='sigle'),
                ),
                migrations.AlterField(
                    model_name='coordinationbody',
                    name='description',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='coordinationbody',
                    name='mandate',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='mandat ou termes de référence'),
                ),
                migrations.AlterField(
                    model_name='coordinationbody',
                    name='name',
                    field=models.CharField(max_length=255, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
                migrations.AlterField(
                    model_name='historicalcoordinationbody',
                    name='acronym',
                    field=models.CharField(blank=True, max_length=40, validators=[lib.text.validate_line], verbose_name='sigle'),
                ),
                migrations.AlterField(
                    model_name='historicalcoordinationbody',
                    name='description',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='description'),
                ),
                migrations.AlterField(
                    model_name='historicalcoordinationbody',
                    name='mandate',
                    field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000), lib.text.validate_text], verbose_name='mandat ou termes de référence'),
                ),
                migrations.AlterField(
                    model_name='historicalcoordinationbody',
                    name='name',
                    field=models.CharField(max_length=255, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
            ],
        ),
    ]
