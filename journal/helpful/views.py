"""The “This helped me” vote: a patient's vote on a library entry, one per patient and entry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from journal.helpful.forms import HelpfulVoteForm
from journal.helpful.services import helpful_vote_save
from library.models import Entry, EntryKind


@require_POST
@login_required
def helpful(request, slug):
    # Research describes groups of people; it is not advice, so it takes no votes.
    entry = get_object_or_404(
        Entry.objects.published().exclude(kind=EntryKind.RESEARCH), slug=slug
    )
    form = HelpfulVoteForm(request.POST)
    if form.is_valid():
        helpful_vote_save(patient=request.user, entry=entry, helpful=form.cleaned_data["helpful"])
        messages.success(request, f"Saved, thank you: “{entry.title}” {form.thanks}.")
    else:
        messages.error(request, "Choose “This helped me” or “It did not help me”.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(entry.get_absolute_url())
