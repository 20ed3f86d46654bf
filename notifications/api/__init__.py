"""The notifications API: `views` (the alert inbox), `serializers`, `urls`."""
