"""The API's page numbers: DRF's, but an empty `page` is not read as the first page.

The schema says `page` is an integer; `?page=` (an empty value) is not one, so it is answered
like any other page that is not there (404 "Invalid page."), as `?page=abc` already is.
"""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is not None and not value.strip():
            raise NotFound(self.invalid_page_message.format(page_number=value, message="empty"))
        return super().get_page_number(request, paginator)
