"""The REST API (docs/design.md, "Architecture"; issue 2, section 9 is its contract), one module
a resource.

Thin: each endpoint parses with a serializer, asks `roles` or lets the service ask, calls a
service or a selector, and answers. Domain exceptions become HTTP answers in
`opmodel.errors.api_exception_handler`. Rows of processes where the user holds no role are
outside every queryset here, so they answer 404, never 403.
"""
