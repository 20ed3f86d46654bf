from reviews.models.decisions import Decision
from reviews.models.reviews import Review, Rhythm

__all__ = ["Decision", "Review", "Rhythm"]
