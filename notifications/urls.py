from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("posts/<slug:slug>/follow/", views.FollowView.as_view(), name="follow"),
    path("subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path("mail/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("mail/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path(
        "mail/unsubscribe-new-posts/<str:token>/",
        views.UnsubscribeNewPostsView.as_view(),
        name="unsubscribe-new-posts",
    ),
    path("mail/stop/<str:token>/", views.StopAllView.as_view(), name="stop-all"),
    path("mail/publish/<str:token>/", views.PublishView.as_view(), name="publish"),
    path("your-data/", views.DataRequestView.as_view(), name="your-data"),
    path("your-data/<str:token>/", views.DataPageView.as_view(), name="your-data-page"),
]
