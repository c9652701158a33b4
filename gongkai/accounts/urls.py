from django.contrib.auth import views as auth_views
from django.urls import path

from . import token_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", token_views.revoke, name="revoke_token"),
    # R2: the one-time link an administrator hands over (orgs.actions.issue_setup_link).
    path("setup/<uidb64>/<token>/", views.SetupView.as_view(), name="setup"),
    path(
        "setup/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/setup_done.html"),
        name="setup_done",
    ),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/enrol/", views.enrol, name="enrol"),
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
]
