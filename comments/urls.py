from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comments/", views.PostCommentView.as_view(), name="post-comment"),
    path("posts/<slug:slug>/comments/feed/", feeds.PostCommentsFeed(), name="post-feed"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("moderate/<str:token>/", views.DecisionLinkView.as_view(), name="decide"),
]
