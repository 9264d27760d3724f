"""Refuse control characters in the texts people write (lib/text.py).

Only the fields' validators change, which the database does not hold: nothing
is done there.
"""

import lib.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_apitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='apitoken',
                    name='name',
                    field=models.CharField(max_length=100, validators=[lib.text.validate_line], verbose_name='nom'),
                ),
                migrations.AlterField(
                    model_name='user',
                    name='full_name',
                    field=models.CharField(blank=True, max_length=200, validators=[lib.text.validate_line], verbose_name='nom complet'),
                ),
            ],
        ),
    ]
