"""The goal pages: `goals` (/goals/ and /goals/<id>/ with their forms)."""
