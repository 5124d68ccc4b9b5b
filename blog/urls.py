from django.contrib.sitemaps.views import sitemap
from django.urls import path

from blog import feeds, views
from blog.sitemaps import SITEMAPS

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.PostsFeed(), name="feed-rss"),
    path("feed/atom/", feeds.PostsAtomFeed(), name="feed-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
