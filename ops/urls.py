from django.urls import path

from ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("sitemap.xml", views.sitemap, {"sitemaps": views.site_sitemaps()}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
