from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = "Provisioning"

    def ready(self) -> None:
        from provisioning import targets
        from provisioning.target_types import VendorAccountTarget

        targets.register(VendorAccountTarget())
