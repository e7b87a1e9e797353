from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("", views.index, name="index"),
    path("thresholds/", views.thresholds, name="thresholds"),
    # projects
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("projects/<slug:slug>/analysis/", views.project_analysis, name="project_analysis"),
    path("projects/<slug:slug>/plan/", views.project_plan, name="project_plan"),
    path("projects/<slug:slug>/route/", views.project_route, name="project_route"),
    path("projects/<slug:slug>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path("projects/<slug:slug>/options/add/", views.option_add, name="option_add"),
    path("projects/<slug:slug>/options/<int:pk>/prefer/", views.option_prefer, name="option_prefer"),
    path("projects/<slug:slug>/co-designers/add/", views.co_designer_add, name="co_designer_add"),
    path("projects/<slug:slug>/stage/", views.project_stage, name="project_stage"),
    path("projects/<slug:slug>/opportunities/new/", views.opportunity_create, name="opportunity_create"),
    # opportunities
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/<slug:reference>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<slug:reference>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<slug:reference>/setup/", views.opportunity_setup, name="opportunity_setup"),
    path("opportunities/<slug:reference>/lots/add/", views.lot_add, name="lot_add"),
    path("opportunities/<slug:reference>/lots/<int:number>/remove/", views.lot_remove, name="lot_remove"),
    path("opportunities/<slug:reference>/questions/add/", views.criterion_add, name="criterion_add"),
    path("opportunities/<slug:reference>/questions/<int:pk>/remove/", views.criterion_remove, name="criterion_remove"),
    path("opportunities/<slug:reference>/publish/", views.opportunity_publish, name="opportunity_publish"),
    path("opportunities/<slug:reference>/cancel/", views.opportunity_cancel, name="opportunity_cancel"),
    path("opportunities/<slug:reference>/open/", views.opportunity_open, name="opportunity_open"),
    path("opportunities/<slug:reference>/panel/", views.opportunity_panel, name="opportunity_panel"),
    path("opportunities/<slug:reference>/ask/", views.clarification_ask, name="clarification_ask"),
    path("opportunities/<slug:reference>/questions/<int:pk>/answer/", views.clarification_answer, name="clarification_answer"),
    path("opportunities/<slug:reference>/bid/", views.bid_start, name="bid_start"),
    path("opportunities/<slug:reference>/lots/<int:number>/moderate/", views.moderation, name="moderation"),
    path("opportunities/<slug:reference>/lots/<int:number>/moderate/complete/", views.moderation_complete,
         name="moderation_complete"),
    path("opportunities/<slug:reference>/lots/<int:number>/results/", views.lot_results, name="lot_results"),
    path("opportunities/<slug:reference>/lots/<int:number>/tender.json", views.lot_tender_file, name="lot_tender_file"),
    path("opportunities/<slug:reference>/lots/<int:number>/award/", views.lot_award, name="lot_award"),
    path("awards/<int:pk>/contract/", views.contract_create, name="contract_create"),
    # bids
    path("bids/", views.bid_list, name="bid_list"),
    path("bids/<int:pk>/", views.bid_edit, name="bid_edit"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="bid_withdraw"),
    path("bids/<int:pk>/assessment-summary/", views.assessment_summary, name="assessment_summary"),
    # evaluation
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", views.evaluation_lot, name="evaluation_lot"),
    path("evaluations/<int:pk>/bids/<int:bid_pk>/", views.evaluation_score, name="evaluation_score"),
    path("evaluations/<int:pk>/submit/", views.evaluation_submit, name="evaluation_submit"),
    # contracts
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<slug:reference>/", views.contract_detail, name="contract_detail"),
]
