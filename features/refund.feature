Feature: Refund
  A customer may send a delivered order back within the return window and gets her money back.

  Background:
    Given a verified seller "shop@example.com"
    And a category "Kitchen"
    And the seller "shop@example.com" has published "Espresso cup" by "Acme" in "Kitchen" at 12.50 EUR with 5 in stock
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has the address "Home" in "Berlin", "DE"

  Scenario: A delivered order sent back is refunded in full
    Given "ann@example.com" has a delivered order of 2 "Espresso cup"
    When "ann@example.com" sends the order back because "too small"
    Then the answer is 200
    And the order is "refunded" with a total of 25.00 EUR
    And the payment of the order is "refunded" for 25.00 EUR
    And the gateway has refunded 25.00 EUR

  Scenario: A return after the return window is refused
    Given "ann@example.com" has a delivered order of 1 "Espresso cup"
    When 31 days pass
    And "ann@example.com" logs in again
    And "ann@example.com" sends the order back because "too small"
    Then the answer is a 409 problem
    And the order is "delivered" with a total of 12.50 EUR

  Scenario: An order not delivered yet cannot be sent back
    Given "ann@example.com" has a paid order of 1 "Espresso cup" ready to ship
    When "ann@example.com" sends the order back because "too small"
    Then the answer is a 409 problem
    And the order is "paid" with a total of 12.50 EUR

  Scenario: A return is sent back only once
    Given "ann@example.com" has a delivered order of 1 "Espresso cup"
    When "ann@example.com" sends the order back because "too small"
    And "ann@example.com" sends the order back because "too small"
    Then the answer is a 409 problem
    And the gateway has refunded 12.50 EUR
