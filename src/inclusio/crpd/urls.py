from django.urls import path

from inclusio.crpd import views

app_name = "crpd"
urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<int:number>/", views.article, name="article"),
    path("articles/<int:number>/indicator/", views.indicator_new, name="indicator_new"),
    path("articles/<int:number>/measure/", views.measure_new, name="measure_new"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("report/", views.report, name="report"),
    path("report/<str:kind>/", views.report_file, name="report_file"),
]
