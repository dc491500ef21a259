"""The automatic rules: each a pure function of what was submitted, returning findings.

A finding that rejects carries the reason the seller will read; one that needs review sends the case to
a moderator. Each subject type has its rules: ``evaluate_product`` runs a listing's, ``evaluate_review``
a review's. A review is never rejected by the rules alone: what they find, a person looks at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import attrs

from core.moderation.model import Finding, Fingerprint, Severity, SubmittedAttribute, SubmittedContent
from core.moderation.text import contains_phrase, fold, phrase
from core.shared.money import MINOR_UNITS, Money

# Goods no marketplace may sell, or words that announce them. Operators replace the list by setting.
DEFAULT_BANNED_WORDS: tuple[str, ...] = (
    "counterfeit",
    "replica",
    "knockoff",
    "bootleg",
    "pirated",
    "stolen",
    "cocaine",
    "heroin",
    "methamphetamine",
    "fentanyl",
)
PRICE_CEILING = 1_000_000  # in the currency's major units: above it, a person checks for a typo
ATTRIBUTE_KINDS = frozenset({"text", "number", "boolean"})
OFF_PLATFORM = "sellers must not take buyers off the platform"
REVIEW_BURST_LIMIT = 5  # reviews from one account within the window; more wait for a person
REVIEW_BURST_WINDOW = timedelta(hours=1)
# A title or text is shouting when it has at least this many letters, and this share of them capitals:
# "GREAT!!!" is enthusiasm, a whole paragraph in capitals is not.
SHOUTING_MIN_LETTERS = 20
SHOUTING_UPPER_PERCENT = 70


@attrs.frozen
class ModerationPolicy:
    """The numbers and word lists of the rules; settings provide them."""

    banned_words: tuple[str, ...] = DEFAULT_BANNED_WORDS
    price_ceiling: int = PRICE_CEILING
    review_burst_limit: int = REVIEW_BURST_LIMIT
    review_burst_window: timedelta = REVIEW_BURST_WINDOW


def _review_places(content: SubmittedContent) -> list[tuple[str, str]]:
    """Where a review's words are: its title, and its text (kept as the content's description)."""
    return [("title", content.title), ("text", content.description)]


def _banned_in(places: Iterable[tuple[str, str]], banned: Iterable[str]) -> list[tuple[str, str]]:
    """Each (place, word) where a banned word or phrase occurs as whole words, whatever its case or accents."""
    phrases = [(word.strip(), phrase(word)) for word in banned]
    return [(place, word) for place, text in places for word, wanted in phrases if contains_phrase(text, wanted)]


def banned_words(content: SubmittedContent, banned: Iterable[str]) -> list[Finding]:
    """A banned word or phrase anywhere in a listing's text rejects it."""
    places = [("title", content.title), ("description", content.description), ("brand", content.brand)]
    places += [(f'attribute "{a.name}"', f"{a.name} {a.value}") for a in content.attributes]
    return [
        Finding("banned_words", Severity.REJECT, f'the {place} contains the banned word "{word}"')
        for place, word in _banned_in(places, banned)
    ]


def review_banned_words(content: SubmittedContent, banned: Iterable[str]) -> list[Finding]:
    """A banned word in a review needs a person: "it is a counterfeit" warns buyers rather than sells one."""
    return [
        Finding("banned_words", Severity.REVIEW, f'the {place} contains the banned word "{word}"')
        for place, word in _banned_in(_review_places(content), banned)
    ]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLDS = "com|net|org|info|biz|shop|store|online|site|app|io|co|me|ly|to|eu|us|uk|ca|au|de|at|ch|fr|es|it|nl|pl|ru|ua"
_URL = re.compile(
    rf"\b(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/\S*)?", re.IGNORECASE
)
# A run of digits with the separators people write phone numbers with.
_DIGIT_RUN = re.compile(r"(?<![\w.,])(?:\+|00)?\(?\d[\d \t().\-/]{5,}\d(?!\w|[.,]\d)")
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|tel|telephone|mobile|cell|whats ?app|telegram|viber|signal|sms)\b\W{0,12}"
    r"(?:\+|00)?\d[\d \t().\-/]{4,}\d",
    re.IGNORECASE,
)


# A date ("bought 12.03.2024", "since 2024-03-12") has the digits and separators of a phone number, and
# reviews are full of them.
_DATE = re.compile(r"(?<![\w.,/-])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\w/-]|[.,]\d)")


def _is_date(run: str) -> bool:
    groups = [int(g) for g in re.findall(r"\d+", run)]
    if len(run.split("-")[0]) == 4:  # year first: 2024-03-12
        return 1 <= groups[1] <= 12 and 1 <= groups[2] <= 31
    day_or_month, month_or_day = groups[0], groups[1]
    return 1 <= day_or_month <= 31 and 1 <= month_or_day <= 31 and min(day_or_month, month_or_day) <= 12


def _without_dates(text: str) -> str:
    return _DATE.sub(lambda m: " " if _is_date(m.group()) else m.group(), text)


def _looks_like_phone(run: str) -> bool:
    digits = sum(c.isdigit() for c in run)
    if not 7 <= digits <= 15:
        return False
    if run.startswith(("+", "00", "(")):
        return True
    groups = re.findall(r"\d+", run)
    if run.startswith("0"):
        return len(groups) >= 2 or digits >= 9
    # "1 000 000" is a number written in thousands, not a phone number.
    thousands = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    return len(groups) >= 3 and not thousands


def _has_phone(text: str) -> bool:
    if _PHONE_WORDS.search(text):
        return True
    return any(_looks_like_phone(m.group().strip()) for m in _DIGIT_RUN.finditer(text))


def _contacts(text: str) -> list[str]:
    """The kinds of contact detail in ``text``: an email address, a link, a phone number (in this order)."""
    without_emails = _EMAIL.sub(" ", text)
    found = [
        ("an email address", bool(_EMAIL.search(text))),
        ("a link", bool(_URL.search(without_emails))),
        ("a phone number", _has_phone(without_emails)),
    ]
    return [what for what, present in found if present]


def contact_details(content: SubmittedContent) -> list[Finding]:
    """Links, email addresses and phone numbers in the title or description: a person looks first."""
    return [
        Finding("contact_details", Severity.REVIEW, f"the {place} contains {what}: {OFF_PLATFORM}")
        for place, text in (("title", content.title), ("description", content.description))
        for what in _contacts(text)
    ]


def review_contact_details(content: SubmittedContent) -> list[Finding]:
    """Links, email addresses and phone numbers in a review: advertising or spam, unless a person says not."""
    return [
        Finding("contact_details", Severity.REVIEW, f"the {place} contains {what}")
        for place, text in _review_places(content)
        for what in _contacts(_without_dates(text))
    ]


def shouting(content: SubmittedContent) -> list[Finding]:
    """A review's title or text written mostly in capitals (letters without case, as in Chinese, not counted)."""
    findings = []
    for place, text in _review_places(content):
        cased = [c for c in text if c.isupper() or c.islower()]
        capitals = sum(c.isupper() for c in cased)
        if len(cased) >= SHOUTING_MIN_LETTERS and capitals * 100 >= SHOUTING_UPPER_PERCENT * len(cased):
            findings.append(Finding("shouting", Severity.REVIEW, f"the {place} is written mostly in capital letters"))
    return findings


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _span(window: timedelta) -> str:
    """``window`` in the largest whole unit: "1 hour", "90 minutes", "45 seconds"."""
    seconds = int(window.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return _plural(seconds // size, unit)
    return _plural(seconds, "second")


def review_burst(
    recent: int, limit: int = REVIEW_BURST_LIMIT, window: timedelta = REVIEW_BURST_WINDOW
) -> list[Finding]:
    """More than ``limit`` reviews from one account within ``window``: each beyond the limit waits for a person.

    ``recent`` is how many review cases the account opened within the window before this one.
    """
    count = recent + 1
    if count <= limit:
        return []
    reason = f"{_plural(count, 'review')} from this account within {_span(window)}: more than {limit}"
    return [Finding("burst", Severity.REVIEW, reason)]


def reported(reports: int) -> list[Finding]:
    """Customers reported the published text: a person judges it, whatever else the rules find."""
    if reports <= 0:
        return []
    return [Finding("reports", Severity.REVIEW, f"reported by {_plural(reports, 'customer')}")]


def price_sanity(price: Money | None, ceiling: int = PRICE_CEILING) -> list[Finding]:
    """Nothing is given away or sold below nothing; a price past the ceiling is probably a typo."""
    if price is None:
        return []
    if price.amount <= 0:
        return [Finding("price", Severity.REJECT, "the price must be more than zero")]
    if price.amount > ceiling * 10 ** MINOR_UNITS[price.currency]:
        reason = f"the price {price} is above {ceiling:,} {price.currency}: check that it is not a mistake"
        return [Finding("price", Severity.REVIEW, reason)]
    return []


def _is_number(value: str) -> bool:
    try:
        return Decimal(value.strip()).is_finite()
    except InvalidOperation:
        return False


def attribute_sanity(attributes: Sequence[SubmittedAttribute]) -> list[Finding]:
    """Every attribute named once, with a value that fits its kind."""
    findings = []

    def reject(reason: str) -> None:
        findings.append(Finding("attributes", Severity.REJECT, reason))

    seen: set[str] = set()
    for position, a in enumerate(attributes, start=1):
        name = " ".join(a.name.split())
        if not name:
            reject(f"attribute {position} has no name")
            continue
        key = fold(name)
        if key in seen:
            reject(f'the attribute "{name}" is given more than once')
        seen.add(key)
        value = a.value.strip()
        if not value:
            reject(f'the attribute "{name}" has no value')
        elif a.kind not in ATTRIBUTE_KINDS:
            reject(f'the attribute "{name}" has the unknown kind "{a.kind}"')
        elif a.kind == "number" and not _is_number(value):
            reject(f'the attribute "{name}" must be a number, not "{value}"')
        elif a.kind == "boolean" and value.lower() not in {"true", "false"}:
            reject(f'the attribute "{name}" must be true or false, not "{value}"')
    return findings


def duplicates(candidate: Fingerprint, approved: Iterable[Fingerprint]) -> list[Finding]:
    """The seller's own listing again (same title and brand), or another seller's description copied.

    A new revision of the same subject is never a duplicate of its earlier, approved self.
    """
    findings = []
    for other in approved:
        if other.subject_type != candidate.subject_type or other.subject_id == candidate.subject_id:
            continue
        if (
            other.owner_id == candidate.owner_id
            and candidate.title_key
            and (other.title_key, other.brand_key) == (candidate.title_key, candidate.brand_key)
        ):
            reason = f"the seller already has an approved listing with this title and brand ({other.subject_id})"
            findings.append(Finding("duplicates", Severity.REVIEW, reason))
        elif (
            other.owner_id != candidate.owner_id
            and candidate.description_key is not None
            and other.description_key == candidate.description_key
        ):
            reason = f"the description is identical to another seller's approved listing ({other.subject_id})"
            findings.append(Finding("duplicates", Severity.REVIEW, reason))
    return findings


def evaluate_product(
    content: SubmittedContent, fingerprint: Fingerprint, approved: Iterable[Fingerprint], policy: ModerationPolicy
) -> list[Finding]:
    """Every listing rule's findings, rejections first."""
    findings = [
        *banned_words(content, policy.banned_words),
        *contact_details(content),
        *price_sanity(content.price, policy.price_ceiling),
        *attribute_sanity(content.attributes),
        *duplicates(fingerprint, approved),
    ]
    return sorted(findings, key=lambda f: f.severity is not Severity.REJECT)


def evaluate_review(content: SubmittedContent, *, reports: int, recent: int, policy: ModerationPolicy) -> list[Finding]:
    """Every review rule's findings, the customers' reports first; none rejects.

    ``reports``: how many customers reported the published text (when reports sent it back), ``recent``:
    how many review cases the author opened within the policy's burst window before this one.
    """
    return [
        *reported(reports),
        *review_banned_words(content, policy.banned_words),
        *review_contact_details(content),
        *shouting(content),
        *review_burst(recent, policy.review_burst_limit, policy.review_burst_window),
    ]
