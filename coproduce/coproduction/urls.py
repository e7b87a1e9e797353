from django.urls import path

from . import views

app_name = "coproduction"

urlpatterns = [
    path("", views.collaborative_list, name="collaborative_list"),
    path("new/", views.CollaborativeCreateView.as_view(), name="collaborative_create"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", views.ActionUpdateView.as_view(), name="action_update"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/register/", views.RegisterView.as_view(), name="meeting_register"),
    path("meetings/<int:pk>/registrations/", views.RegistrationsView.as_view(), name="registrations"),
    path("meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("meetings/<int:pk>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("meetings/<int:pk>/ideas/add/", views.IdeaAddView.as_view(), name="idea_add"),
    path("meetings/<int:pk>/actions/add/", views.ActionAddView.as_view(), name="action_add"),
    path("<slug:slug>/", views.collaborative_detail, name="collaborative_detail"),
    path("<slug:slug>/join/", views.JoinView.as_view(), name="join"),
    path("<slug:slug>/participants/", views.ParticipantsView.as_view(), name="participants"),
    path("<slug:slug>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
]
