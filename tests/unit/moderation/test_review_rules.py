"""Each review rule on its own: none rejects, every finding sends the review to a person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.moderation.model import Finding, Severity, SubmittedContent
from core.moderation.rules import (
    DEFAULT_BANNED_WORDS,
    ModerationPolicy,
    evaluate_review,
    reported,
    review_banned_words,
    review_burst,
    review_contact_details,
    shouting,
)

CLEAN_REVIEW = SubmittedContent(
    title="Sturdy and warm",
    description="I have used this mug on camping trips for two years. It keeps tea hot and never chipped.",
    rating=5,
    image_count=1,
)


def review(title: str = CLEAN_REVIEW.title, text: str = CLEAN_REVIEW.description) -> SubmittedContent:
    return SubmittedContent(title=title, description=text, rating=4)


def reasons(findings: list[Finding]) -> list[str]:
    return [f.reason for f in findings]


def test_a_clean_review_has_no_findings() -> None:
    assert evaluate_review(CLEAN_REVIEW, reports=0, recent=0, policy=ModerationPolicy()) == []


# Banned words


def test_a_banned_word_in_a_review_needs_a_person_not_a_rejection() -> None:
    found = review_banned_words(review(text="Beware: what I got was a COUNTERFEIT."), DEFAULT_BANNED_WORDS)

    assert found == [Finding("banned_words", Severity.REVIEW, 'the text contains the banned word "counterfeit"')]


def test_a_banned_word_in_the_title_is_found_and_only_whole_words_count() -> None:
    assert reasons(review_banned_words(review(title="Replica, not the real one"), DEFAULT_BANNED_WORDS)) == [
        'the title contains the banned word "replica"'
    ]
    assert review_banned_words(review(text="Replicable results, no stolenberg here"), DEFAULT_BANNED_WORDS) == []


def test_reviews_use_the_policys_word_list() -> None:
    policy = ModerationPolicy(banned_words=("tea",))
    assert reasons(evaluate_review(CLEAN_REVIEW, reports=0, recent=0, policy=policy)) == [
        'the text contains the banned word "tea"'
    ]


# Links, email addresses, phone numbers


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Cheaper at https://mugs.example.org/deal", "a link"),
        ("Better ones on www.cheapmugs.biz", "a link"),
        ("Write to me at anna@mail.example for photos", "an email address"),
        ("Call me on +49 30 1234567 and I sell you mine", "a phone number"),
        ("Questions? 0176 12345678", "a phone number"),
        ("WhatsApp 1234567", "a phone number"),
    ],
)
def test_contact_details_in_a_review_need_a_person(text: str, what: str) -> None:
    found = review_contact_details(review(text=text))

    assert found == [Finding("contact_details", Severity.REVIEW, f"the text contains {what}")]


def test_contact_details_in_the_title_are_found_too() -> None:
    assert reasons(review_contact_details(review(title="Ring +44 20 7946 0958"))) == [
        "the title contains a phone number"
    ]


@pytest.mark.parametrize(
    "text",
    [
        CLEAN_REVIEW.description,
        "5 stars, would buy again",
        "Still going strong after 2 years",
        "Paid 1,200 for the set and it was worth it",
        "It cost 1 200 000 rubles in 2023, 10/10",
        "Battery lasts 12-14 hours, 4.5 out of 5",
        "Bought on 12.03.2024, arrived on 15.03.2024",
        "Ordered 01/02/2024, delivered 2024-02-03 (2 days)",
        "Works with Node.js, e.g. for my Python 3.11 scripts",
    ],
)
def test_ordinary_review_text_has_no_contact_details(text: str) -> None:
    assert review_contact_details(review(text=text)) == []


# Shouting


@pytest.mark.parametrize(
    ("title", "text", "place"),
    [
        ("THE WORST MUG I EVER BOUGHT", CLEAN_REVIEW.description, "title"),
        ("Broken", "IT ARRIVED BROKEN AND NOBODY ANSWERS MY MESSAGES!!! never again", "text"),
    ],
)
def test_a_review_mostly_in_capitals_needs_a_person(title: str, text: str, place: str) -> None:
    found = shouting(review(title=title, text=text))

    assert found == [Finding("shouting", Severity.REVIEW, f"the {place} is written mostly in capital letters")]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("GREAT!!!", "LOVE IT"),  # capitals, but too few letters to be shouting
        ("Great mug", "I LOVE IT, and so does my sister who borrowed it"),
        ("Works with USB-C", "HDMI and USB-C work with my LG TV and the NAS"),  # acronyms are not shouting
        ("好", "非常好的杯子 质量很好 推荐购买 物流也很快 包装完好无损"),  # letters without case
    ],
)
def test_capitals_that_are_not_shouting(title: str, text: str) -> None:
    assert shouting(review(title=title, text=text)) == []


# A burst of reviews from one account


def test_up_to_the_limit_is_no_burst() -> None:
    assert review_burst(recent=4, limit=5, window=timedelta(hours=1)) == []


def test_more_than_the_limit_within_the_window_needs_a_person() -> None:
    assert review_burst(recent=5, limit=5, window=timedelta(hours=1)) == [
        Finding("burst", Severity.REVIEW, "6 reviews from this account within 1 hour: more than 5")
    ]
    assert reasons(review_burst(recent=3, limit=1, window=timedelta(minutes=90))) == [
        "4 reviews from this account within 90 minutes: more than 1"
    ]


def test_the_policy_sets_the_burst_limit_and_window() -> None:
    policy = ModerationPolicy(review_burst_limit=2, review_burst_window=timedelta(days=1))
    assert evaluate_review(CLEAN_REVIEW, reports=0, recent=1, policy=policy) == []
    assert reasons(evaluate_review(CLEAN_REVIEW, reports=0, recent=2, policy=policy)) == [
        "3 reviews from this account within 1 day: more than 2"
    ]


# Reports


def test_no_reports_no_finding() -> None:
    assert reported(0) == []


def test_a_reported_review_always_needs_a_person() -> None:
    assert reported(1) == [Finding("reports", Severity.REVIEW, "reported by 1 customer")]
    assert reported(3) == [Finding("reports", Severity.REVIEW, "reported by 3 customers")]
    assert reasons(evaluate_review(CLEAN_REVIEW, reports=3, recent=0, policy=ModerationPolicy())) == [
        "reported by 3 customers"
    ]


# All of them


def test_every_review_rule_runs_and_none_rejects() -> None:
    bad = review(title="STOLEN GOODS, BUY MINE INSTEAD", text="Call +49 30 1234567, a replica anyway")

    found = evaluate_review(bad, reports=2, recent=5, policy=ModerationPolicy())

    assert [f.rule for f in found] == [
        "reports",
        "banned_words",
        "banned_words",
        "contact_details",
        "shouting",
        "burst",
    ]
    assert {f.severity for f in found} == {Severity.REVIEW}
