from django.urls import path

from inclusio.crpd import views

app_name = "crpd"
urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<int:article_number>/", views.article, name="article"),
    path("articles/<int:article_number>/indicator/", views.indicator_new, name="indicator_new"),
    path("articles/<int:article_number>/measure/", views.measure_new, name="measure_new"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:recommendation_id>/", views.recommendation, name="recommendation"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:survey_id>/", views.survey, name="survey"),
    path("report/", views.report, name="report"),
    path("report/<str:file_format>/", views.report_file, name="report_file"),
]
