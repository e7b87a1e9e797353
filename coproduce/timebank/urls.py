from django.urls import path

from . import views

app_name = "timebank"

urlpatterns = [
    path("", views.index, name="index"),
    path("statement/", views.statement, name="statement"),
    path("rewards/", views.reward_list, name="reward_list"),
    path("rewards/<int:pk>/spend/", views.reward_spend, name="reward_spend"),
    path("council-tax/", views.council_tax, name="council_tax"),
    path("wards/", views.ward_totals, name="ward_totals"),
    path("issue/", views.issue, name="issue"),
    path("accounts/", views.account_find, name="account_find"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("council-tax/discounts.csv", views.council_tax_lines, name="council_tax_lines"),
    path("transactions/<int:pk>/reverse/", views.transaction_reverse, name="transaction_reverse"),
]
