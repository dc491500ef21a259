"""Each automatic rule on its own: pure functions from the submitted content to findings."""

from __future__ import annotations

import pytest

from core.moderation.model import Finding, Fingerprint, Severity, Subject, SubmittedAttribute
from core.moderation.rules import (
    DEFAULT_BANNED_WORDS,
    ModerationPolicy,
    attribute_sanity,
    banned_words,
    contact_details,
    duplicates,
    evaluate_product,
    price_sanity,
)
from core.moderation.text import description_key, fold, phrase
from core.shared.money import Money

from .conftest import CLEAN, OTHER_SELLER, SELLER, content

LONG_DESCRIPTION = "Hand-thrown stoneware bowl with a speckled glaze, safe in the dishwasher and the oven."


def reasons(findings: list[Finding]) -> list[str]:
    return [f.reason for f in findings]


def fingerprint(subject_id: str = "product-1", owner_id: str = SELLER, **changes: object) -> Fingerprint:
    text = {"title": CLEAN.title, "description": CLEAN.description, "brand": CLEAN.brand, **changes}
    submitted = content(**text)
    return Fingerprint.of(Subject("product", subject_id, 1, owner_id), submitted)


# Text folding


def test_folding_ignores_case_and_accents() -> None:
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert phrase("  Crème,   BRÛLÉE!  ") == "creme brulee"
    assert phrase("Straße") == "strasse"


def test_a_short_description_has_no_key_and_equal_words_share_one() -> None:
    assert description_key("Brand new.") is None
    assert description_key(LONG_DESCRIPTION) == description_key("  " + LONG_DESCRIPTION.upper().replace(",", " "))
    assert description_key(LONG_DESCRIPTION) != description_key(LONG_DESCRIPTION + " Blue.")


# Banned words


def test_clean_content_has_no_banned_word() -> None:
    assert banned_words(CLEAN, DEFAULT_BANNED_WORDS) == []


@pytest.mark.parametrize(
    ("field", "text", "place"),
    [
        ("title", "Counterfeit designer watch", "title"),
        ("title", "COUNTERFEIT watch", "title"),
        ("description", "A perfect replica of the real thing.", "description"),
        ("description", "Totally not a repliça, honest", "description"),
        ("brand", "Bootleg Records", "brand"),
    ],
)
def test_a_banned_word_rejects_naming_where_it_is(field: str, text: str, place: str) -> None:
    found = banned_words(content(**{field: text}), DEFAULT_BANNED_WORDS)

    assert len(found) == 1
    assert found[0].severity is Severity.REJECT
    assert found[0].rule == "banned_words"
    assert found[0].reason.startswith(f"the {place} contains the banned word ")


def test_only_whole_words_count() -> None:
    submitted = content(title="Replicable results", description="Stolenberg heirloom tomatoes, unbootlegged seeds.")
    assert banned_words(submitted, DEFAULT_BANNED_WORDS) == []


def test_a_banned_word_in_an_attribute_is_found() -> None:
    submitted = content(attributes=(SubmittedAttribute("origin", "text", "stolen goods"),))
    assert reasons(banned_words(submitted, DEFAULT_BANNED_WORDS)) == [
        'the attribute "origin" contains the banned word "stolen"'
    ]


def test_banned_phrases_and_accented_banned_words_match_whole() -> None:
    banned = ["Crème brûlée", "fake fur"]
    assert len(banned_words(content(title="CREME BRULEE torch"), banned)) == 1
    assert banned_words(content(title="Fake, FUR hat"), banned) != []  # punctuation does not split a phrase
    assert banned_words(content(title="fake furniture"), banned) == []


def test_no_banned_words_means_no_findings() -> None:
    assert banned_words(content(title="Counterfeit"), ()) == []


# Contact details


@pytest.mark.parametrize(
    ("description", "what"),
    [
        ("Order direct at https://cheap-mugs.example.org/deal", "a link"),
        ("See www.cheapmugs.biz for more", "a link"),
        ("Visit mugsdirect.com today", "a link"),
        ("Write to sales@mugs.example for a discount", "an email address"),
        ("Call me on +49 30 1234567 for a discount", "a phone number"),
        ("Questions? 0176 12345678", "a phone number"),
        ("Ring (030) 123-4567 any time", "a phone number"),
        ("US buyers: 555-123-4567", "a phone number"),
        ("WhatsApp 1234567 for wholesale", "a phone number"),
        ("0049301234567", "a phone number"),
        ("Ring 0176 12345678, evenings only", "a phone number"),
    ],
)
def test_contact_details_in_the_description_need_a_person(description: str, what: str) -> None:
    found = contact_details(content(description=description))

    assert reasons(found) == [f"the description contains {what}: sellers must not take buyers off the platform"]
    assert found[0].severity is Severity.REVIEW
    assert found[0].rule == "contact_details"


def test_contact_details_in_the_title_are_found_too() -> None:
    assert reasons(contact_details(content(title="Mug - call +44 20 7946 0958"))) == [
        "the title contains a phone number: sellers must not take buyers off the platform"
    ]


@pytest.mark.parametrize(
    "description",
    [
        CLEAN.description,
        "EAN 4006381333931, model SM-G991B, 2019-2024 edition",
        "Measures 120 x 60 x 75 cm, weighs 12.5 kg, 1 000 000 stitches",
        "Works with Node.js and e.g. Python 3.11",
        "Pack of 3, 6 or 12 pieces",
        "Worth 1 234 567,89 RUB, or 1 200 000, new",
    ],
)
def test_ordinary_product_text_has_no_contact_details(description: str) -> None:
    assert contact_details(content(description=description)) == []


# Price


def test_a_price_of_zero_or_less_rejects() -> None:
    for amount in (0, -100):
        assert price_sanity(Money(amount, "EUR")) == [
            Finding("price", Severity.REJECT, "the price must be more than zero")
        ]


def test_a_price_above_the_ceiling_needs_a_person() -> None:
    assert price_sanity(Money(100_000_000, "EUR")) == []  # exactly 1,000,000.00
    [finding] = price_sanity(Money(100_000_001, "EUR"))
    assert finding.severity is Severity.REVIEW
    assert finding.reason == "the price 1000000.01 EUR is above 1,000,000 EUR: check that it is not a mistake"


def test_the_ceiling_is_in_the_currencys_major_units() -> None:
    assert price_sanity(Money(1_000_000, "JPY")) == []
    assert price_sanity(Money(1_000_001, "JPY"))[0].severity is Severity.REVIEW
    assert price_sanity(Money(1_000_000_001, "KWD"))[0].severity is Severity.REVIEW
    assert price_sanity(Money(500, "EUR"), ceiling=4)[0].severity is Severity.REVIEW


def test_content_without_a_price_is_not_judged_on_it() -> None:
    assert price_sanity(None) == []


# Attributes


def test_sound_attributes_pass() -> None:
    attributes = [
        SubmittedAttribute("weight_kg", "number", "-1.5"),
        SubmittedAttribute("dishwasher_safe", "boolean", "true"),
        SubmittedAttribute("colour", "text", "blue"),
    ]
    assert attribute_sanity(attributes) == []


@pytest.mark.parametrize(
    ("attributes", "reason"),
    [
        ([SubmittedAttribute("weight", "number", "heavy")], 'the attribute "weight" must be a number, not "heavy"'),
        ([SubmittedAttribute("weight", "number", "NaN")], 'the attribute "weight" must be a number, not "NaN"'),
        ([SubmittedAttribute("weight", "number", "1,5")], 'the attribute "weight" must be a number, not "1,5"'),
        ([SubmittedAttribute("colour", "text", "  ")], 'the attribute "colour" has no value'),
        ([SubmittedAttribute(" ", "text", "blue")], "attribute 1 has no name"),
        ([SubmittedAttribute("safe", "boolean", "maybe")], 'the attribute "safe" must be true or false, not "maybe"'),
        ([SubmittedAttribute("size", "colour", "L")], 'the attribute "size" has the unknown kind "colour"'),
        (
            [SubmittedAttribute("Colour", "text", "blue"), SubmittedAttribute("colour ", "text", "red")],
            'the attribute "colour" is given more than once',
        ),
    ],
)
def test_unsound_attributes_reject(attributes: list[SubmittedAttribute], reason: str) -> None:
    found = attribute_sanity(attributes)

    assert reasons(found) == [reason]
    assert found[0].severity is Severity.REJECT


# Duplicates


def test_the_same_sellers_same_title_and_brand_needs_a_person() -> None:
    earlier = fingerprint("product-0", title="blue enamel MUG!")
    [finding] = duplicates(fingerprint(), [earlier])
    assert finding.severity is Severity.REVIEW
    assert finding.reason == "the seller already has an approved listing with this title and brand (product-0)"


def test_another_brand_or_another_seller_with_the_title_is_no_duplicate() -> None:
    assert duplicates(fingerprint(), [fingerprint("product-0", brand="Other", description="x")]) == []
    assert duplicates(fingerprint(), [fingerprint("product-0", OTHER_SELLER, description="x")]) == []


def test_another_sellers_identical_description_needs_a_person() -> None:
    theirs = fingerprint("product-9", OTHER_SELLER, title="Something else", description=LONG_DESCRIPTION)
    [finding] = duplicates(fingerprint(description=LONG_DESCRIPTION.upper()), [theirs])
    assert finding.reason == "the description is identical to another seller's approved listing (product-9)"


def test_a_short_shared_description_is_no_duplicate() -> None:
    theirs = fingerprint("product-9", OTHER_SELLER, title="Other", description="Brand new.")
    assert duplicates(fingerprint(description="Brand new."), [theirs]) == []


def test_a_subject_is_never_a_duplicate_of_itself() -> None:
    assert duplicates(fingerprint(), [fingerprint()]) == []


def test_duplicates_are_only_among_subjects_of_one_type() -> None:
    review = Fingerprint.of(Subject("review", "review-1", 1, SELLER), CLEAN)
    assert duplicates(fingerprint(), [review]) == []


# All of them


def test_evaluate_runs_every_rule_rejections_first() -> None:
    submitted = content(
        title="Counterfeit mug",
        description="Call +49 30 1234567",
        price=Money(0, "EUR"),
        attributes=(SubmittedAttribute("volume_ml", "number", "big"),),
    )
    found = evaluate_product(submitted, fingerprint(), [], ModerationPolicy())
    assert [(f.rule, f.severity) for f in found] == [
        ("banned_words", Severity.REJECT),
        ("price", Severity.REJECT),
        ("attributes", Severity.REJECT),
        ("contact_details", Severity.REVIEW),
    ]


def test_the_policy_sets_the_word_list_and_the_ceiling() -> None:
    policy = ModerationPolicy(banned_words=("mug",), price_ceiling=10)
    found = evaluate_product(CLEAN, fingerprint(), [], policy)
    assert reasons(found) == [
        'the title contains the banned word "mug"',
        'the description contains the banned word "mug"',
        "the price 12.50 EUR is above 10 EUR: check that it is not a mistake",
    ]
