from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongkai import access

from .actions import mark_read
from .models import Notification


@login_required
def inbox(request):
    qs = Notification.objects.filter(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread = qs.filter(read_at__isnull=True).count()
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def open_notification(request, pk):
    """Mark it read and follow its link (only to this site)."""
    notification = access.get_or_404(Notification.objects.filter(user=request.user), pk=pk)
    mark_read(request.user, pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    mark_read(request.user)
    return redirect("notifications:inbox")
