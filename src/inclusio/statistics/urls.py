from django.urls import path

from inclusio.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("datasets/<str:dataset_id>/", views.dataset, name="dataset"),
    path("files/<str:file_name>", views.download, name="download"),
]
