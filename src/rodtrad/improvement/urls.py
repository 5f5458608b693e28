from django.urls import path

from rodtrad.improvement.views import actions, duties, events, proposals, trends

app_name = "improvement"

urlpatterns = [
    path("events/", events.inbox, name="inbox"),
    path("events/new/", events.report, name="report"),
    path("events/mine/", events.mine, name="mine"),
    path("events/trends/", trends.trends, name="trends"),
    path("events/trends.xlsx", trends.trends_xlsx, name="trends_xlsx"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/triage/", events.triage, name="triage"),
    path("events/<int:pk>/investigation/", events.investigation, name="investigation"),
    path("events/<int:pk>/actions/", events.add_action, name="add_action"),
    path("events/<int:pk>/close/", events.close, name="close"),
    path("events/<int:pk>/reopen/", events.reopen, name="reopen"),
    path("events/<int:pk>/learning/", events.learning, name="publish"),
    path("duties/", duties.duty_list, name="duties"),
    path("duties/<int:pk>/", duties.duty_detail, name="duty"),
    path("duties/<int:pk>/ivo/", duties.ivo_summary, name="ivo"),
    path("actions/", actions.action_list, name="actions"),
    path("actions/mine/", actions.my_actions, name="my_actions"),
    path("actions/<int:pk>/", actions.action_detail, name="action"),
    path("complaints/", actions.complaint_list, name="complaints"),
    path("complaints/new/", actions.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", actions.complaint_detail, name="complaint"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/move/", proposals.proposal_move, name="proposal_move"),
    path("proposals/<int:pk>/pdsa/", proposals.proposal_pdsa, name="proposal_pdsa"),
    path("learnings/", proposals.learning_list, name="learnings"),
    path("learnings/<int:pk>/", proposals.learning_detail, name="learning"),
]
