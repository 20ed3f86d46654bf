"""Pages of roles: `lockout` (what a person locked out by django-axes is told)."""
