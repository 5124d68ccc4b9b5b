from django.urls import path

from webmentions import views

app_name = "webmentions"

urlpatterns = [
    path("webmention/", views.receive, name="endpoint"),
    path("webmention/<uuid:token>/", views.status, name="status"),
]
