Feature: Reviews and ratings
  A customer who received a product tells others what she thinks of it: stars, a title and a text. The
  moderation rules publish a clean review at once and leave anything doubtful (contact details, links,
  shouting, a burst of reviews, reports of other customers) to a moderator. Published reviews make the
  product's rating, shown on its card and used by search. The product's seller answers in public, and
  other customers say whether a review helped them.

  Background:
    Given a verified seller "shop@example.com"
    And a category "Kitchen"
    And the seller "shop@example.com" has published "Espresso cup" by "Acme" in "Kitchen" at 12.50 EUR with 5 in stock
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has the address "Home" in "Berlin", "DE"
    And "ann@example.com" has a delivered order of 1 "Espresso cup"

  Scenario: A customer who received the product reviews it, and the rating shows on the card and in search
    Given the seller "shop@example.com" has published "Milk jug" by "Acme" in "Kitchen" at 18.00 EUR with 5 in stock
    And "bob@example.com" has received "Milk jug"
    When "ann@example.com" reviews "Espresso cup" with 5 stars: "Perfect little cup" - "Keeps the espresso hot and feels good in the hand."
    Then the answer is 201
    And "ann@example.com" sees her review "published"
    And the reviews of "Espresso cup" show the review of "ann@example.com" as a verified purchase
    And the card of "Espresso cup" shows a rating of 5.0 from 1 review
    When "bob@example.com" reviews "Milk jug" with 3 stars: "Does the job" - "Pours well, but the handle gets warm quickly."
    Then the card of "Milk jug" shows a rating of 3.0 from 1 review
    When a customer searches for products rated 4.5 or more
    Then the results are "Espresso cup"
    When a customer searches everything sorted by "rating"
    Then the results are "Espresso cup, Milk jug"

  Scenario: A customer who never received the product cannot review it
    Given a customer "bob@example.com" with the password "correct horse battery"
    And "bob@example.com" is logged in
    When "bob@example.com" reviews "Espresso cup" with 1 star: "Never arrived" - "I never got this cup but it looks cheap anyway."
    Then the answer is a 403 problem
    And the reviews of "Espresso cup" show nothing
    And the card of "Espresso cup" shows no rating yet

  Scenario: A review with a phone number waits for a moderator, who publishes it
    Given a moderator "mo@example.com"
    When "ann@example.com" reviews "Espresso cup" with 4 stars: "Nice cup" - "Nice cup. Call me on +49 30 1234567 if you want my old one."
    Then "ann@example.com" sees her review "pending"
    And the reviews of "Espresso cup" show nothing
    And the moderator "mo@example.com" finds the review of "ann@example.com" in the queue because "the text contains a phone number"
    When the moderator "mo@example.com" approves the review of "ann@example.com"
    Then the answer is 200
    And "ann@example.com" sees her review "published"
    And the reviews of "Espresso cup" show the review of "ann@example.com" as a verified purchase
    And the card of "Espresso cup" shows a rating of 4.0 from 1 review

  Scenario: A moderator rejects a review with a reason, and the rating stays as it was
    Given a moderator "mo@example.com"
    And "bob@example.com" has received "Espresso cup"
    And "bob@example.com" has reviewed "Espresso cup" with 4 stars
    When "ann@example.com" reviews "Espresso cup" with 1 star: "Terrible" - "THIS CUP IS THE WORST THING I HAVE EVER BOUGHT, AVOID IT."
    And the moderator "mo@example.com" rejects the review of "ann@example.com" because "Please tell other customers about the cup itself"
    Then the answer is 200
    And "ann@example.com" sees her review "rejected" because "Please tell other customers about the cup itself"
    And the reviews of "Espresso cup" do not show the review of "ann@example.com"
    And the card of "Espresso cup" shows a rating of 4.0 from 1 review

  Scenario: An edited review is moderated again while its published version stays shown
    Given a moderator "mo@example.com"
    And "ann@example.com" has reviewed "Espresso cup" with 4 stars
    When "ann@example.com" changes the text of her review to "Still great. Spare saucers are cheaper at www.cheap-saucers.com by the way."
    Then "ann@example.com" sees her review "pending"
    And the reviews of "Espresso cup" show the review of "ann@example.com" with its first text
    And the moderator "mo@example.com" finds the review of "ann@example.com" in the queue because "the text contains a link"
    When the moderator "mo@example.com" approves the review of "ann@example.com"
    Then the reviews of "Espresso cup" show the review of "ann@example.com" with the text "Still great. Spare saucers are cheaper at www.cheap-saucers.com by the way."

  Scenario: Enough reports take a published review down until a moderator has looked at it
    Given a moderator "mo@example.com"
    And "ann@example.com" has reviewed "Espresso cup" with 5 stars
    And the customers "bob@example.com, cid@example.com" are logged in
    When "bob@example.com" reports the review of "ann@example.com" because "It is about the delivery, not the cup"
    And "cid@example.com" reports the review of "ann@example.com" because "Looks like an advert to me"
    Then the reviews of "Espresso cup" show the review of "ann@example.com" as a verified purchase
    And the card of "Espresso cup" shows a rating of 5.0 from 1 review
    When "shop@example.com" reports the review of "ann@example.com" because "This customer never wrote this"
    Then the answer is 204
    And the reviews of "Espresso cup" do not show the review of "ann@example.com"
    And the card of "Espresso cup" shows no rating yet
    And the moderator "mo@example.com" finds the review of "ann@example.com" in the queue because "reported by 3 customers"

  Scenario: The seller answers a review of their product, another seller cannot
    Given "ann@example.com" has reviewed "Espresso cup" with 5 stars
    And a verified seller "other@example.com"
    When "shop@example.com" answers the review of "ann@example.com" with "Thank you, enjoy your espresso!"
    Then the answer is 200
    And the reviews of "Espresso cup" show the review of "ann@example.com" answered "Thank you, enjoy your espresso!"
    When "other@example.com" answers the review of "ann@example.com" with "Our cups are better, come and see."
    Then the answer is a 404 problem
    And the reviews of "Espresso cup" show the review of "ann@example.com" answered "Thank you, enjoy your espresso!"

  Scenario: A customer finds a review helpful once, and its author cannot vote on it
    Given "ann@example.com" has reviewed "Espresso cup" with 5 stars
    And the customers "bob@example.com" are logged in
    When "bob@example.com" finds the review of "ann@example.com" helpful
    And "bob@example.com" finds the review of "ann@example.com" helpful
    Then the answer is 200
    And the review of "ann@example.com" has 1 helpful vote
    When "ann@example.com" finds the review of "ann@example.com" helpful
    Then the answer is a 403 problem
    And the review of "ann@example.com" has 1 helpful vote
