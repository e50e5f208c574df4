from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import TemplateView

app_name = "journal"
urlpatterns = [
    # Placeholder until the journal issue lands the dashboard.
    path(
        "",
        login_required(TemplateView.as_view(template_name="journal/dashboard.html")),
        name="dashboard",
    ),
]
