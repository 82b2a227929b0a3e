from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from customers.targets import TARGET_TYPES
        from provisioning import targets

        # The engine learns how to reach this app's objects; it never imports this app itself.
        for target_type in TARGET_TYPES:
            targets.register(target_type)
