from django.contrib.auth import views as auth_views
from django.urls import path

from rodtrad.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("users/<int:pk>/", views.user_detail, name="user"),
]
