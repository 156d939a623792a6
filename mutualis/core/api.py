"""API building blocks shared by every app's api/ package."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination; clients may ask up to 500 rows a page with ?page_size=."""

    page_size_query_param = "page_size"
    max_page_size = 500
