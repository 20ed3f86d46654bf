"""Comments on a card, apart from its moves, and the people they mention."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from notifications.services import notify
from opmodel.errors import Forbidden, InvalidInput
from opmodel.formatting import person_text
from processes.definition import process_zone_name
from processes.models import Event, EventKind, RequestCard
from processes.services.events import event_record
from roles.models import RoleKind
from roles.permissions import role_map
from roles.selectors import role_holders

COMMENT_MAX_CHARS = 5000
MENTION_KIND = "mention"
# "@bob", "@anna.smith", "(@bob)"; not the "@example.com" of an e-mail address, whose "@"
# follows a word character. A sentence's final dot is not part of the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")


@dataclass(frozen=True)
class CommentAdded:
    event: Event
    mentioned: list[str]  # the usernames notified
    ignored: list[str]  # names mentioned that are no one who can see the card: not notified


def mentioned_names(text: str) -> list[str]:
    """The usernames `text` mentions, in order of first mention, each once."""
    names = (match.rstrip(".") for match in MENTION.findall(text))
    return list(dict.fromkeys(name for name in names if name))


def card_comment_add(*, actor, card: RequestCard, text: str, now: datetime) -> CommentAdded:
    """Add a comment to the card's history and tell each person it @mentions, once.

    Anyone who can see the card may comment, also on a finished card (a comment changes none of
    its data, so it takes no version and meets no conflict). Only people who hold a role in the
    card's process can be mentioned: any other name is left as text and listed in `ignored`,
    so a comment never tells an outsider that the card exists.
    """
    if not role_map(actor).may_see_process(card.process_id):
        raise Forbidden("Only people with a role in this process may comment.")
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": ["Write a comment."]})
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidInput({"text": [f"Keep the comment under {COMMENT_MAX_CHARS} characters."]})
    names = mentioned_names(text)
    people = _people_who_see(card, names)
    mentioned = [people[name] for name in names if name in people and people[name] != actor]
    ignored = [name for name in names if name not in people]
    with transaction.atomic():
        event = event_record(
            card=card,
            kind=EventKind.COMMENT,
            actor=actor,
            at=now,
            comment=text,
            data={"mentions": [user.get_username() for user in mentioned]},
        )
        event.save()
        if mentioned:
            excerpt = " ".join(text.split())
            excerpt = excerpt if len(excerpt) <= 140 else excerpt[:139] + "\u2026"
            notify(
                users=mentioned,
                kind=MENTION_KIND,
                text=f"{person_text(actor)} mentioned you on #{card.pk} {card.title}: {excerpt}",
                url=reverse("card-detail", args=[card.pk]) + f"#event-{event.pk}",
                subject=f"card:{card.pk}",
                # Once per comment and person, whoever calls twice.
                key=f"comment:{event.pk}",
                data={"card": card.pk, "card_title": card.title, "event": event.pk},
                zone=process_zone_name(card.process),
                now=now,
            )
    return CommentAdded(
        event=event, mentioned=[user.get_username() for user in mentioned], ignored=ignored
    )


def _people_who_see(card: RequestCard, names: list[str]) -> dict[str, object]:
    """{username: user} of the named active users holding a role in the card's process."""
    if not names:
        return {}
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    holders = role_holders(process_ids=[card.process_id], kinds=RoleKind.values)
    seeing = set().union(*(holders.users(card.process_id, kind) for kind in RoleKind.values))
    return {user.get_username(): user for user in users if user.pk in seeing}
