"""The project's URLs plus one new page nobody wrote an access rule for."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urls


def new_page(request, pk):
    return HttpResponse("mới")


urlpatterns = [*project_urls, path("moi-them/<int:pk>/", new_page, name="unruled_new_page")]
