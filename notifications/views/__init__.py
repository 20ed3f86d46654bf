"""Pages of notifications: `notifications` (the notifications page and the settings)."""
