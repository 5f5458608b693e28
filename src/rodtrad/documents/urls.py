from django.urls import path

from rodtrad.documents import import_views, search_views, views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="documents"),
    path("new/", views.document_create, name="document_create"),
    path("import/", import_views.document_import, name="import"),
    path("review-due/", views.review_due, name="review_due"),
    path("search/", search_views.document_search, name="search"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/file/", views.version_file, name="version_file"),
    path("<int:pk>/diff/", views.version_diff, name="diff"),
    path("<int:pk>/submit/", views.document_submit, name="submit"),
    path("<int:pk>/review/", views.document_review, name="review"),
    path("<int:pk>/approve/", views.document_approve, name="approve"),
    path("<int:pk>/publish/", views.document_publish, name="publish"),
    path("<int:pk>/withdraw/", views.document_withdraw, name="withdraw"),
    path("<int:pk>/revision/", views.document_revision, name="revision"),
    path("<int:pk>/read/", views.document_confirm_read, name="confirm_read"),
]

#: Pages for anyone on the internet (K 0 only), mounted under /public/ without login.
public_urlpatterns = (
    [
        path("documents/", views.public_list, name="documents"),
        path("documents/<int:pk>/", views.public_detail, name="document"),
    ],
    "public",
)
