Feature: Business figures
  Admins read the shop's sales, its conversion funnel, its best products and what shoppers looked for and
  did not find; a seller reads the same of their own products. The figures are read from the history of
  every event, and agree with the orders and the payments.

  Background:
    Given a verified seller "potter@example.com"
    And a verified seller "weaver@example.com"
    And a category "Kitchen"
    And the seller "potter@example.com" has published "Blue Teapot" by "Potter" in "Kitchen" at 25.00 EUR with 20 in stock
    And the seller "weaver@example.com" has published "Tea Towel" by "Weaver" in "Kitchen" at 8.00 EUR with 20 in stock
    And an admin "root@example.com"
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has the address "Home" in "Berlin", "DE"

  Scenario: The shop's figures agree with the orders and the payments
    Given "ann@example.com" has bought "Tea Towel"
    And "ann@example.com" has looked at "Blue Teapot"
    And "ann@example.com" has a delivered order of 2 "Blue Teapot"
    When "ann@example.com" sends the order back because "too small"
    And "bob@example.com" looks at "Tea Towel" and is declined at checkout
    And "dan@example.com" only looks at "Blue Teapot"
    And "carl@example.com" searches for "samovar"
    And the admin reads the figures of the last 30 days
    Then the sales agree with the orders and the payments
    And the funnel counts 3 viewed, 2 added to the cart, 2 checked out and 1 paid
    And the top products are "Blue Teapot, Tea Towel"
    And "samovar" is among the searches without results

  Scenario: A seller reads the figures of their own products only
    Given "ann@example.com" has bought "Tea Towel"
    And "ann@example.com" has bought "Blue Teapot"
    When "potter@example.com" reads her figures of the last 30 days
    Then she sees 1 order worth 25.00 EUR
    And her top products are "Blue Teapot"
    And "potter@example.com" may not read the shop's figures
    And "ann@example.com" may not read the shop's figures
