Feature: Delivery
  The carrier takes the parcel of a paid order to the customer's door, and she follows it on the way.
  The money is taken when the carrier has the parcel; a lost parcel is refunded.

  Background:
    Given a verified seller "shop@example.com"
    And a category "Kitchen"
    And the seller "shop@example.com" has published "Espresso cup" by "Acme" in "Kitchen" at 12.50 EUR with 5 in stock
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has the address "Home" in "Berlin", "DE"
    And "ann@example.com" has a paid order of 2 "Espresso cup" ready to ship

  Scenario: The parcel travels to the customer, who follows it
    When the carrier picks the parcel up
    Then the order is "shipped" with a total of 25.00 EUR
    And the payment of the order is "captured" for 25.00 EUR
    And "shop@example.com" sees 3 on hand, 0 reserved and 3 available of "Espresso cup"
    When the carrier takes the parcel out for delivery
    And the carrier delivers the parcel
    Then the order is "delivered" with a total of 25.00 EUR
    And "ann@example.com" reads the tracking "accepted, in_transit, out_for_delivery, delivered"
    And the gateway has captured 25.00 EUR

  Scenario: The carrier moves parcels on by itself as time passes
    When 2 hours pass for the carrier
    Then the order is "delivered" with a total of 25.00 EUR

  Scenario: A lost parcel is refunded
    When the carrier picks the parcel up
    And the carrier loses the parcel
    Then the order is "refunded" with a total of 25.00 EUR
    And the payment of the order is "refunded" for 25.00 EUR
    And "ann@example.com" reads the tracking "accepted, in_transit, lost"
    And "shop@example.com" sees 3 on hand, 0 reserved and 3 available of "Espresso cup"

  Scenario: A duplicated capture webhook charges nobody twice
    When the carrier picks the parcel up
    And the gateway sends its last webhook again
    Then the answer is 200
    And the payment of the order is "captured" for 25.00 EUR
    And the gateway has captured 25.00 EUR

  Scenario: A carrier webhook with a bad signature is refused
    When a carrier webhook saying the parcel was delivered arrives with a bad signature
    Then the answer is a 401 problem
    And the order is "paid" with a total of 25.00 EUR

  Scenario: A carrier reports the parcel's progress itself
    Given a carrier "courier@example.com"
    And the admin hands the order's parcel to "courier@example.com"
    When "courier@example.com" reports the parcel "in_transit" at "Berlin hub"
    And "courier@example.com" reports the parcel "delivered" at "Berlin"
    Then the order is "delivered" with a total of 25.00 EUR
    And "ann@example.com" reads the tracking "accepted, in_transit, delivered"

  Scenario: Nobody else reads the tracking, and no other carrier reports on the parcel
    Given a customer "bob@example.com" with the password "correct horse battery"
    And "bob@example.com" is logged in
    And a carrier "other-courier@example.com"
    When "bob@example.com" reads the tracking of the order
    Then the answer is a 404 problem
    When "other-courier@example.com" reports the parcel "in_transit" at "Nowhere"
    Then the answer is a 404 problem
