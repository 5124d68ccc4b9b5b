from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("posts/<slug:slug>/comments/", views.PostCommentView.as_view(), name="post-comment"),
    path("posts/<slug:slug>/comments/feed/", feeds.PostCommentsFeed(), name="post-feed"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", views.EditCommentView.as_view(), name="edit"),
    path("comments/<int:pk>/delete/", views.DeleteCommentView.as_view(), name="delete"),
    path("moderate/<str:token>/", views.DecisionLinkView.as_view(), name="decide"),
]
