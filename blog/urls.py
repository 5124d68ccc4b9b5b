from django.urls import path

from blog import editor, feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("posts/<slug:slug>/", views.PostDetailView.as_view(), name="post-detail"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("tags/<slug:slug>/feed/", feeds.TagAtomFeed(), name="tag-feed"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<str:token>/", views.SharePreviewView.as_view(), name="share-preview"),
    path("feed/", feeds.PostsFeed(), name="feed-rss"),
    path("feed/atom/", feeds.PostsAtomFeed(), name="feed-atom"),
    # The editor's endpoints, at the paths markdownx's widget calls (MARKDOWNX_URLS_PATH...).
    path("admin/markdownx/markdownify/", editor.markdown_preview, name="markdownx-preview"),
    path("admin/markdownx/upload/", editor.image_upload, name="markdownx-upload"),
    path("admin/blog/preview.css", editor.preview_stylesheet, name="editor-preview-css"),
]
