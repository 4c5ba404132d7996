"""Page URLs, grouped by resource with namespaced names (``partnerships:detail``)."""

from django.urls import include, path

from partnerships.views import (
    actions,
    documents,
    dossier,
    home,
    indicators,
    meetings,
    merges,
    organizations,
    partnerships,
    search,
    trash,
)

partnership_urls = (
    [
        path("", partnerships.partnership_list, name="list"),
        path("new/", partnerships.partnership_create, name="create"),
        path("<id:pk>/", partnerships.partnership_detail, name="detail"),
        path("<id:pk>/edit/", partnerships.partnership_edit, name="edit"),
        path("<id:pk>/move/", partnerships.partnership_move, name="move"),
        path("<id:pk>/status/", partnerships.partnership_status, name="status"),
        path("<id:pk>/reassign/", partnerships.partnership_reassign, name="reassign"),
        path("<id:pk>/renew/", partnerships.partnership_renew, name="renew"),
        path("<id:pk>/documents/new/", partnerships.document_upload, name="document_upload"),
        path("<id:pk>/delete/", partnerships.partnership_delete, name="delete"),
        path("<id:pk>/indicators/new/", indicators.indicator_create, name="indicator_create"),
        path("<id:pk>/indicators/<id:line_pk>/", indicators.indicator_edit, name="indicator_edit"),
        path(
            "<id:pk>/indicators/<id:line_pk>/delete/",
            indicators.indicator_delete,
            name="indicator_delete",
        ),
        path("<id:pk>/dossier/", dossier.partnership_dossier, name="dossier"),
        path("<id:pk>/dossier.pdf", dossier.partnership_dossier_pdf, name="dossier_pdf"),
    ],
    "partnerships",
)

meeting_urls = (
    [
        path("", meetings.meeting_list, name="list"),
        path("new/", meetings.meeting_create, name="create"),
        path("<id:pk>/", meetings.meeting_detail, name="detail"),
        path("<id:pk>/edit/", meetings.meeting_edit, name="edit"),
        path("<id:pk>/delete/", meetings.meeting_delete, name="delete"),
        path("<id:pk>/dossier/", dossier.meeting_dossier, name="dossier"),
        path("<id:pk>/dossier.pdf", dossier.meeting_dossier_pdf, name="dossier_pdf"),
    ],
    "meetings",
)

action_urls = (
    [
        path("", actions.action_list, name="list"),
        path("new/", actions.action_create, name="create"),
        path("<id:pk>/", actions.action_detail, name="detail"),
        path("<id:pk>/edit/", actions.action_edit, name="edit"),
        path("<id:pk>/complete/", actions.action_complete, name="complete"),
        path("<id:pk>/cancel/", actions.action_cancel, name="cancel"),
        path("<id:pk>/reopen/", actions.action_reopen, name="reopen"),
        path("<id:pk>/reassign/", actions.action_reassign, name="reassign"),
        path("<id:pk>/delete/", actions.action_delete, name="delete"),
    ],
    "actions",
)

organization_urls = (
    [
        path("", organizations.organization_list, name="list"),
        path("new/", organizations.organization_create, name="create"),
        path("similar/", organizations.organization_similar, name="similar"),
        path("quick-create/", organizations.quick_create_organization, name="quick_create"),
        path("<id:pk>/", organizations.organization_detail, name="detail"),
        path("<id:pk>/edit/", organizations.organization_edit, name="edit"),
        path("<id:pk>/dossier/", dossier.organization_dossier, name="dossier"),
        path("<id:pk>/dossier.pdf", dossier.organization_dossier_pdf, name="dossier_pdf"),
        path("<id:pk>/merge/", merges.organization_merge_pick, name="merge_pick"),
        path("<id:pk>/merge/<id:other>/", merges.organization_merge, name="merge"),
    ],
    "organizations",
)

contact_urls = (
    [
        path("", organizations.contact_list, name="list"),
        path("new/", organizations.contact_create, name="create"),
        path("quick-create/", organizations.quick_create_contact, name="quick_create"),
        path("<id:pk>/", organizations.contact_detail, name="detail"),
        path("<id:pk>/edit/", organizations.contact_edit, name="edit"),
        path("<id:pk>/merge/", merges.contact_merge_pick, name="merge_pick"),
        path("<id:pk>/merge/<id:other>/", merges.contact_merge, name="merge"),
        path("<id:pk>/new-post/", organizations.contact_change_position, name="change_position"),
    ],
    "contacts",
)

document_urls = (
    [path("<id:pk>/download/", documents.document_download, name="download")],
    "documents",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search, name="search"),
    path("lookup/<slug:kind>/", search.lookup, name="lookup"),
    path("partnerships/", include(partnership_urls)),
    path("meetings/", include(meeting_urls)),
    path("actions/", include(action_urls)),
    path("organizations/", include(organization_urls)),
    path("contacts/", include(contact_urls)),
    path("documents/", include(document_urls)),
    path("duplicates/", merges.duplicate_list, name="duplicates"),
    path("deleted/", trash.trash, name="trash"),
    path("deleted/<slug:kind>/<id:pk>/restore/", trash.restore, name="restore"),
    path("", include("partnerships.manager_urls")),
]
