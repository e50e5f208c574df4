"""Deleting the account: shows what goes with it, and asks for the password."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from journal.forms import AccountDeleteForm
from journal.services import account_delete, account_summary


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(
            request, "Your account and your journal have been deleted. Take care of yourself."
        )
        return redirect("home")
    ctx = {"form": form, "summary": account_summary(request.user)}
    return render(request, "journal/account_delete.html", ctx)
