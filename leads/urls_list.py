"""List, board and bulk actions."""

from django.urls import path

from leads.views import board, bulk, listing

urlpatterns = [
    path("", listing.lead_list, name="list"),
    path("board/", board.board, name="board"),
    path("board/column/<str:key>/", board.board_column, name="board_column"),
    path("board/move/", board.move, name="move"),
    path("bulk/", bulk.bulk_start, name="bulk_start"),
    path("bulk/<int:pk>/", bulk.bulk_job, name="bulk_job"),
    path("bulk/<int:pk>/retry/", bulk.bulk_retry, name="bulk_retry"),
]
