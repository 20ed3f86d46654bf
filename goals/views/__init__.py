"""The goal pages: `goals` (/goals/ and /goals/<id>/ with their forms), and `weekly_panel`
(the key results panel goals adds to the weekly dashboard)."""
