from django.urls import path

from communityedu.surveys.views import answer, builder, paper

app_name = "surveys"
urlpatterns = [
    path("", builder.survey_list, name="list"),
    path("new/", builder.survey_create, name="create"),
    path("<int:pk>/", builder.survey_detail, name="detail"),
    path("<int:pk>/questions/", builder.question_add, name="question-add"),
    path("<int:pk>/standard-questions/", builder.standard_questions, name="standard-questions"),
    path("<int:pk>/open/", builder.survey_open, name="open"),
    path("<int:pk>/close/", builder.survey_close, name="close"),
    path("questions/<int:pk>/move/", builder.question_move, name="question-move"),
    path("questions/<int:pk>/remove/", builder.question_remove, name="question-remove"),
    path("questions/<int:pk>/choices/", builder.choice_add, name="choice-add"),
    path("choices/<int:pk>/remove/", builder.choice_remove, name="choice-remove"),
    # paper sheets and results (views/paper.py)
    path("<int:pk>/paper/", paper.paper_grid, name="paper"),
    path("<int:pk>/paper/upload/", paper.paper_upload, name="paper-upload"),
    path("<int:pk>/paper/template.xlsx", paper.paper_template, name="paper-template"),
    path("<int:pk>/results/", paper.results, name="results"),
    path("<int:pk>/results.xlsx", paper.results_export, name="results-export"),
    # residents (views/answer.py)
    path("mine/", answer.my_surveys, name="mine"),
    path("<int:pk>/answer/", answer.answer, name="answer"),
]
