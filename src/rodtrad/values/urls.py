from django.urls import path

from rodtrad.values.views import dialogues, goals, manage, public, stories

app_name = "values"

urlpatterns = [
    path("vision/", public.vision, name="vision"),
    path("vision/<int:pk>/", public.vision, name="value_base"),
    path("vision/ord/<int:pk>/", public.word, name="word"),
    path("values/manage/", manage.manage, name="manage"),
    path("values/manage/<int:pk>/", manage.manage_base, name="manage_base"),
    path("values/manage/<int:pk>/words/new/", manage.word_new, name="word_new"),
    path("values/manage/words/<int:pk>/", manage.word_edit, name="word_edit"),
    path("goals/<int:pk>/value-words/", goals.goal_words, name="goal_words"),
    path("dialogues/", dialogues.dialogues, name="dialogues"),
    path("dialogues/new/", dialogues.dialogue_new, name="dialogue_new"),
    path("dialogues/coverage/", dialogues.coverage, name="coverage"),
    path("dialogues/<int:pk>/", dialogues.dialogue_detail, name="dialogue"),
    path("stories/", stories.feed, name="stories"),
    path("stories/new/", stories.story_new, name="story_new"),
    path("stories/mine/", stories.my_stories, name="my_stories"),
    path("stories/moderation/", stories.moderation, name="moderation"),
    path("stories/<int:pk>/", stories.story_detail, name="story"),
    path("stories/<int:pk>/edit/", stories.story_edit, name="story_edit"),
    path("stories/<int:pk>/lift/", stories.lift, name="lift"),
    path("stories/<int:pk>/publish/", stories.moderate, {"decision": "publish"}, name="publish"),
    path("stories/<int:pk>/return/", stories.moderate, {"decision": "return"}, name="return"),
    path("stories/<int:pk>/files/<int:file_pk>/", stories.attachment, name="attachment"),
]
