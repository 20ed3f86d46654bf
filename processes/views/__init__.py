"""The operations screens, one module a screen: board, queue, the card page and its actions,
the card forms (create and edit), the approvals inbox.

Thin on purpose: a view parses input with a form, asks `roles` what the user may do, calls a
service or a selector and renders. Domain errors map to a status code in one place
(`DomainError.http_status`): a refusal re-renders the page with the reasons. A view takes
the clock once (`now`) and the page shows every clock-dependent figure at that instant.
"""
