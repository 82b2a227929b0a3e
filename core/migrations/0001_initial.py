# AuditEvent moves here from the panel app: the table stays, only Django's record of its owner changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('customers', '0001_initial'),
        ('panel', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('action', models.CharField(help_text='e.g. customer.create, domain.create', max_length=64)),
                        ('target_type', models.CharField(max_length=32)),
                        ('target_id', models.BigIntegerField(blank=True, null=True)),
                        ('summary', models.CharField(max_length=300)),
                        ('changes', models.JSONField(blank=True, default=dict)),
                        ('session_ref', models.CharField(blank=True, max_length=64)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_events', to='customers.customer')),
                        ('impersonator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-at', '-id'],
                        'db_table': 'panel_auditevent',
                        'indexes': [models.Index(fields=['target_type', 'target_id', '-at'], name='audit_target_idx'), models.Index(fields=['customer', '-at'], name='audit_customer_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
