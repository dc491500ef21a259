"""The automatic rules: each a pure function of what was submitted, returning findings.

A finding that rejects carries the reason the seller will read; one that needs review sends the case to
a moderator. ``evaluate`` runs them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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


@attrs.frozen
class ModerationPolicy:
    """The numbers and word lists of the rules; settings provide them."""

    banned_words: tuple[str, ...] = DEFAULT_BANNED_WORDS
    price_ceiling: int = PRICE_CEILING


def banned_words(content: SubmittedContent, banned: Iterable[str]) -> list[Finding]:
    """A banned word or phrase anywhere in the text, as a whole word, whatever its case or accents."""
    phrases = [(word, phrase(word)) for word in banned]
    places = [("title", content.title), ("description", content.description), ("brand", content.brand)]
    places += [(f'attribute "{a.name}"', f"{a.name} {a.value}") for a in content.attributes]
    findings = []
    for place, text in places:
        for word, wanted in phrases:
            if contains_phrase(text, wanted):
                reason = f'the {place} contains the banned word "{word.strip()}"'
                findings.append(Finding("banned_words", Severity.REJECT, reason))
    return findings


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLDS = "com|net|org|info|biz|shop|store|online|site|app|io|co|me|ly|to|eu|us|uk|ca|au|de|at|ch|fr|es|it|nl|pl|ru|ua"
_URL = re.compile(
    rf"\b(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/\S*)?", re.IGNORECASE
)
# A run of digits with the separators people write phone numbers with.
_DIGIT_RUN = re.compile(r"(?<![\w.,])(?:\+|00)?\(?\d[\d \t().\-/]{5,}\d(?![\w,]|\.\d)")
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|tel|telephone|mobile|cell|whats ?app|telegram|viber|signal|sms)\b\W{0,12}"
    r"(?:\+|00)?\d[\d \t().\-/]{4,}\d",
    re.IGNORECASE,
)


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


def contact_details(content: SubmittedContent) -> list[Finding]:
    """Links, email addresses and phone numbers in the title or description: a person looks first."""
    findings = []
    for place, text in (("title", content.title), ("description", content.description)):
        without_emails = _EMAIL.sub(" ", text)
        found = [
            ("an email address", bool(_EMAIL.search(text))),
            ("a link", bool(_URL.search(without_emails))),
            ("a phone number", _has_phone(without_emails)),
        ]
        for what, present in found:
            if present:
                reason = f"the {place} contains {what}: {OFF_PLATFORM}"
                findings.append(Finding("contact_details", Severity.REVIEW, reason))
    return findings


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


def evaluate(
    content: SubmittedContent, fingerprint: Fingerprint, approved: Iterable[Fingerprint], policy: ModerationPolicy
) -> list[Finding]:
    """Every rule's findings, rejections first."""
    findings = [
        *banned_words(content, policy.banned_words),
        *contact_details(content),
        *price_sanity(content.price, policy.price_ceiling),
        *attribute_sanity(content.attributes),
        *duplicates(fingerprint, approved),
    ]
    return sorted(findings, key=lambda f: f.severity is not Severity.REJECT)
