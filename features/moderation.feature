Feature: Product moderation
  Every product a seller submits passes the moderation rules before customers see it. The rules approve
  clean listings at once, reject forbidden ones with the reasons, and leave anything doubtful (a link, an
  email address or a phone number that would take buyers off the platform) to a moderator.

  Background:
    Given a verified seller "sam@example.com"
    And a category "Kitchen"

  Scenario: A clean product is approved automatically and becomes visible
    When "sam@example.com" submits "Blue Enamel Mug" by "Acme" in "Kitchen" at 12.50 EUR described as "A sturdy enamel mug for camping trips and the office, holds 350 ml."
    Then the shop shows "Blue Enamel Mug" to customers
    And "sam@example.com" sees "Blue Enamel Mug" published

  Scenario: A product with a banned word is rejected with the reason
    When "sam@example.com" submits "Counterfeit Designer Watch" by "Luxe" in "Kitchen" at 99.00 EUR described as "Looks exactly like the famous Swiss original, nobody will notice."
    Then "sam@example.com" sees "Counterfeit Designer Watch" rejected with a reason naming "counterfeit"
    And the shop does not show "Counterfeit Designer Watch" to customers

  Scenario: A product whose description has a phone number waits for a moderator, who approves it
    Given a moderator "mo@example.com"
    When "sam@example.com" submits "Oak Chopping Board" by "Woodworks" in "Kitchen" at 45.00 EUR described as "Hand made from one piece of oak. Call me on +49 30 1234567 for a discount."
    Then "sam@example.com" sees "Oak Chopping Board" waiting for moderation
    And the shop does not show "Oak Chopping Board" to customers
    And the moderator "mo@example.com" finds "Oak Chopping Board" in the queue because "the description contains a phone number"
    When the moderator "mo@example.com" approves "Oak Chopping Board"
    Then the answer is 200
    And the shop shows "Oak Chopping Board" to customers
    And the moderator "mo@example.com" finds the queue empty

  Scenario: A moderator rejects a product with reasons
    Given a moderator "mo@example.com"
    When "sam@example.com" submits "Steel Knife Set" by "Edge" in "Kitchen" at 80.00 EUR described as "Five knives in a beech block. More sets at www.edge-knives-direct.com for less."
    And the moderator "mo@example.com" rejects "Steel Knife Set" because "Links to other shops are not allowed"
    Then the answer is 200
    And "sam@example.com" sees "Steel Knife Set" rejected because "Links to other shops are not allowed"
    And the shop does not show "Steel Knife Set" to customers
    And the moderator "mo@example.com" finds the queue empty

  Scenario: A customer cannot see the moderation queue
    Given a customer "cora@example.com" with the password "a customer's long passphrase"
    And "cora@example.com" is logged in
    When "cora@example.com" lists the moderation queue
    Then the answer is a 403 problem

  Scenario: A case cannot be decided twice
    Given a moderator "mo@example.com"
    When "sam@example.com" submits "Walnut Salad Bowl" by "Woodworks" in "Kitchen" at 39.00 EUR described as "Turned from walnut. Questions? Write to sam.bowls@mail.example and I answer the same day."
    And the moderator "mo@example.com" approves "Walnut Salad Bowl"
    And the moderator "mo@example.com" rejects "Walnut Salad Bowl" because "Contact details are not allowed"
    Then the answer is a 409 problem
    And the shop shows "Walnut Salad Bowl" to customers
