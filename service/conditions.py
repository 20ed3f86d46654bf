"""What customer service offers processes: named conditions (registered in ServiceConfig.ready;
processes never imports this app)."""

from service.models import Complaint


def complaint_has_return(card, **_) -> str | None:
    if Complaint.objects.filter(card_id=card.pk).exclude(returned="").exists():
        return None
    return "Say what the client returns (the complaint's \u201cWhat is returned\u201d)."
