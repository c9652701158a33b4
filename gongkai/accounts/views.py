from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai import access


class LoginForm(AuthenticationForm):
    # One message for a wrong name and a wrong password: it must not reveal which accounts exist.
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码不正确，请重新输入。多次失败后账户将被暂时锁定。"),
        "inactive": gettext_lazy("用户名或密码不正确，请重新输入。多次失败后账户将被暂时锁定。"),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Issue 16: staff land on their workbench, members and others on the front page."""
        if access.is_staff(self.request.user):
            return reverse("workbench:home")
        return super().get_default_redirect_url()


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failures, for existing and unknown names alike."""
    messages.error(request, _("登录失败次数过多，请 30 分钟后再试，或联系管理员。"))
    return render(request, "accounts/login.html", {"form": LoginForm(request), "locked": True}, status=429)
