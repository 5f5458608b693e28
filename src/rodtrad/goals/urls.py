from django.urls import path, re_path

from rodtrad.goals import reports, views

app_name = "goals"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("tree/", views.tree, name="tree"),
    path("tree/<int:pk>/", views.tree_branch, name="tree_branch"),
    path("units/<int:pk>/", views.unit_goals, name="unit"),
    path("units/<int:pk>/measurements/", views.unit_measure, name="unit_measure"),
    path("<int:pk>/", views.goal_detail, name="goal"),
    path("<int:pk>/breakdown/", views.goal_breakdown, name="breakdown"),
    path("<int:pk>/followup/", views.followup, name="followup"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    re_path(
        r"^reports/(?P<scope>units|areas)/(?P<pk>[0-9]+)\.(?P<fmt>pdf|xlsx)$", reports.download, name="report"
    ),
]
