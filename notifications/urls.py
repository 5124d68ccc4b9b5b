from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("posts/<slug:slug>/follow/", views.FollowView.as_view(), name="follow"),
    path("mail/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("mail/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("mail/stop/<str:token>/", views.StopAllView.as_view(), name="stop-all"),
    path("mail/publish/<str:token>/", views.PublishView.as_view(), name="publish"),
    path("your-data/", views.DataRequestView.as_view(), name="your-data"),
    path("your-data/<str:token>/", views.DataPageView.as_view(), name="your-data-page"),
]
