Feature: Checkout
  A customer turns her cart into an order and pays by card. Whatever the card or the gateway does, the
  stock and the money add up: an order is paid, or it is cancelled with its stock back and nothing charged.

  Background:
    Given a verified seller "shop@example.com"
    And a category "Kitchen"
    And the seller "shop@example.com" has published "Espresso cup" by "Acme" in "Kitchen" at 12.50 EUR with 5 in stock
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has the address "Home" in "Berlin", "DE"

  Scenario: A good card pays for the order and the seller prepares it
    Given "ann@example.com" adds 2 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    Then the answer is 201
    And the order is "paid" with a total of 25.00 EUR
    And the payment of the order is "authorized" for 25.00 EUR
    And the cart of "ann@example.com" is empty
    And "shop@example.com" sees 5 on hand, 2 reserved and 3 available of "Espresso cup"
    And "shop@example.com" sees the order with 2 "Espresso cup"
    When "shop@example.com" marks the order ready to ship
    Then the carrier has the parcel "accepted"

  Scenario: A checkout sent twice makes one order and one charge
    Given "ann@example.com" adds 1 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    And "ann@example.com" sends the same checkout again
    Then the answer is 200
    And "ann@example.com" has 1 order
    And the gateway holds 1 authorization for 12.50 EUR

  Scenario: A cart asking for more than is in stock is refused at checkout
    Given "ann@example.com" adds 6 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    Then the answer is a 409 problem
    And "ann@example.com" has 0 order
    And "shop@example.com" sees 5 on hand, 0 reserved and 5 available of "Espresso cup"

  Scenario: Two customers race for the last units: one order gets them, the other is out of stock
    Given a customer "bob@example.com" with the password "correct horse battery"
    And "bob@example.com" is logged in
    And "bob@example.com" has the address "Home" in "Berlin", "DE"
    And "ann@example.com" adds 4 "Espresso cup" to her cart
    And "bob@example.com" adds 4 "Espresso cup" to her cart
    When "ann@example.com" and "bob@example.com" check out at the same moment paying with "tok_visa"
    Then one of the two orders is "paid" and the other was refused or cancelled because "out of stock"
    And "shop@example.com" sees 5 on hand, 4 reserved and 1 available of "Espresso cup"
    And the gateway holds 1 authorization for 50.00 EUR

  Scenario: A declined card cancels the order and gives the stock back
    Given "ann@example.com" adds 2 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_decline"
    Then the order is "cancelled" because "declined"
    And the payment of the order is "declined" for 25.00 EUR
    And "shop@example.com" sees 5 on hand, 0 reserved and 5 available of "Espresso cup"

  Scenario: A gateway that times out is caught up with by the payment error worker
    Given the gateway's webhooks get lost on the way
    And "ann@example.com" adds 1 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_timeout"
    Then the order is "awaiting_payment"
    And the payment of the order is "authorizing" for 12.50 EUR
    When the payment error worker runs a minute later
    Then the order is "paid" with a total of 12.50 EUR
    And the payment of the order is "authorized" for 12.50 EUR
    And the gateway holds 1 authorization for 12.50 EUR

  Scenario: A gateway that never answers fails the payment for good, and the order with it
    Given "ann@example.com" adds 1 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_unavailable"
    And the payment error worker has tried for a day
    Then the order is "cancelled" because "payment failed"
    And the payment of the order is "failed" for 12.50 EUR
    And "shop@example.com" sees 5 on hand, 0 reserved and 5 available of "Espresso cup"

  Scenario: Cancelled before the payment went through, the late authorization is voided
    Given the gateway's webhooks get lost on the way
    And "ann@example.com" adds 2 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_timeout"
    And "ann@example.com" cancels the order because "changed my mind"
    Then the order is "cancelled" because "changed my mind"
    And "shop@example.com" sees 5 on hand, 0 reserved and 5 available of "Espresso cup"
    When the payment error worker has caught up
    Then the payment of the order is "voided" for 25.00 EUR
    And the order is "cancelled" because "changed my mind"

  Scenario: Cancelled after payment, the authorization is voided and the stock is back
    Given "ann@example.com" adds 2 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    And "ann@example.com" cancels the order because "found it cheaper"
    Then the order is "cancelled" because "found it cheaper"
    And the payment of the order is "voided" for 25.00 EUR
    And "shop@example.com" sees 5 on hand, 0 reserved and 5 available of "Espresso cup"
    And the gateway has captured nothing

  Scenario: A parcel the carrier will not take cancels the order, voids the payment and gives the stock back
    Given "ann@example.com" has the address "Base" in "McMurdo", "AQ"
    And "ann@example.com" adds 2 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Base" paying with "tok_visa"
    And "shop@example.com" marks the order ready to ship
    Then the order is "cancelled" because "the carrier cannot deliver this order"
    And the payment of the order is "voided" for 25.00 EUR
    And "shop@example.com" sees 5 on hand, 0 reserved and 5 available of "Espresso cup"

  Scenario: A duplicated gateway webhook changes nothing
    Given "ann@example.com" adds 1 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    And the gateway sends its last webhook again
    Then the answer is 200
    And the payment of the order is "authorized" for 12.50 EUR
    And the gateway holds 1 authorization for 12.50 EUR

  Scenario: A gateway webhook with a bad signature is refused
    Given "ann@example.com" adds 1 "Espresso cup" to her cart
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    And a gateway webhook arrives with a bad signature
    Then the answer is a 401 problem

  Scenario: Another customer cannot see the order
    Given "ann@example.com" adds 1 "Espresso cup" to her cart
    And a customer "bob@example.com" with the password "correct horse battery"
    And "bob@example.com" is logged in
    When "ann@example.com" checks out to "Home" paying with "tok_visa"
    And "bob@example.com" reads the order
    Then the answer is a 404 problem
    When "bob@example.com" cancels the order because "mischief"
    Then the answer is a 404 problem
    And the order is "paid" with a total of 12.50 EUR
