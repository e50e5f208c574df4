from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("", views.index, name="index"),
    path("symptoms/<slug:slug>/", views.symptom_detail, name="symptom"),
    path("drugs/<slug:slug>/", views.drug_detail, name="drug"),
    path("sources/", views.sources, name="sources"),
    path("glossary/", views.glossary, name="glossary"),
]
