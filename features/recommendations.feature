Feature: Recommendations
  The shop learns what each customer likes from what she does: the products she looks at, puts in her
  cart, buys and reviews. From it, and from what other customers bought together, it builds her own list
  of products to recommend. A guest, or a customer the shop knows nothing about yet, sees the shop's best
  sellers. The recommendations always say which list they come from. A failed build never shows as an
  error: the customer sees the best sellers until the error worker has rebuilt her list. A customer can
  read her own activity and erase it.

  Background:
    Given a verified seller "shop@example.com"
    And a category "Kitchen"
    And a category "Garden"
    And the seller "shop@example.com" has published "Espresso cup" by "Acme" in "Kitchen" at 12.50 EUR with 20 in stock
    And the seller "shop@example.com" has published "Milk jug" by "Acme" in "Kitchen" at 18.00 EUR with 20 in stock
    And the seller "shop@example.com" has published "Teapot" by "Brewer" in "Kitchen" at 30.00 EUR with 20 in stock
    And the seller "shop@example.com" has published "Garden hose" by "Green" in "Garden" at 25.00 EUR with 20 in stock

  Scenario: A new customer gets the best sellers; after she looks around and buys, her own list
    Given "bob@example.com" has bought "Espresso cup" and "Milk jug"
    And "carol@example.com" has bought "Garden hose"
    And the base feed is rebuilt
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    When "ann@example.com" asks for her recommendations
    Then the recommendations come from the "base" list
    And they are "Espresso cup, Garden hose, Milk jug" in any order
    When "ann@example.com" looks at "Teapot"
    And "ann@example.com" buys "Espresso cup"
    And the personal lists are built
    And "ann@example.com" asks for her recommendations
    Then the recommendations come from the "personal" list
    And they show "Milk jug" first
    And they do not show "Espresso cup"
    And customers who bought "Espresso cup" also bought "Milk jug"

  Scenario: A guest sees the shop's best sellers
    Given "bob@example.com" has bought "Garden hose"
    And the base feed is rebuilt
    When a guest asks for recommendations
    Then the recommendations come from the "base" list
    And they are "Garden hose" in any order

  Scenario: A build that fails shows the best sellers, and the error worker builds the list again
    Given "bob@example.com" has bought "Espresso cup" and "Milk jug"
    And the base feed is rebuilt
    And a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has looked at "Espresso cup" and her list was built
    When the signals cannot be read for the next build
    And "ann@example.com" looks at "Teapot"
    And the personal lists are built
    And "ann@example.com" asks for her recommendations
    Then the recommendations come from the "base" list
    When the recommendation error worker runs a minute later
    And "ann@example.com" asks for her recommendations
    Then the recommendations come from the "personal" list

  Scenario: A customer erases her activity, and her list goes with it
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" has looked at "Teapot" and her list was built
    When "ann@example.com" erases her activity
    Then the answer is 204
    And "ann@example.com" has no activity
    When "ann@example.com" asks for her recommendations
    Then the recommendations come from the "base" list

  Scenario: What a guest looked at becomes hers when she logs in
    Given a customer "ann@example.com" with the password "correct horse battery"
    And a guest has started a cart
    When the guest looks at "Teapot"
    And the guest logs in as "ann@example.com" with her cart
    Then "ann@example.com" sees that she viewed "Teapot"
