"""Notes and files panels of the lead detail page."""
urlpatterns = []
