from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [path("admin/moderation/queue/", views.queue_page, name="queue")]
