from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shanhai.demo"
    label = "demo"
    verbose_name = "Demo data"
