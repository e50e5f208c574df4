from journal.models import Profile, Treatment
from library.models import HelpfulVote


def helpful_vote_save(*, patient, entry, helpful: bool) -> HelpfulVote:
    """Record or change the patient's vote, with the drug they take today: tips are ordered
    by what helped patients on the reader's drug."""
    treatment = Treatment.objects.in_force(patient, Profile.objects.for_user(patient).today())
    vote, _ = HelpfulVote.objects.update_or_create(
        patient=patient,
        entry=entry,
        defaults={"helpful": helpful, "drug_id": treatment.drug_id if treatment else None},
    )
    return vote
