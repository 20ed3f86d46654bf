"""The goals API: `views`, `serializers`, `urls`."""
