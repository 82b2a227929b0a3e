# Now that core owns AuditEvent, its table takes core's name.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('panel', '0002_auditevent_moves_to_core'),
    ]

    operations = [
        migrations.AlterModelTable(name='auditevent', table=None),
    ]
