Feature: Stock
  A seller counts the units on hand of each of her products. Orders reserve units of them, all their
  lines or none; what orders hold is no longer available to others, and cannot be counted away. Only the
  seller of a product sees or changes its stock: to anyone else the product does not exist.

  Background:
    Given a verified seller "potter@example.com"
    And a verified seller "smith@example.com"
    And a category "Kitchen"
    And "potter@example.com" has created the product "Blue Teapot" by "Potter" in "Kitchen" at 25.00 EUR

  Scenario: A seller sets the stock of her product and reads it back
    When "potter@example.com" sets the stock of "Blue Teapot" to 12
    Then the answer is 200
    And "potter@example.com" sees 12 on hand, 0 reserved and 12 available of "Blue Teapot"

  Scenario: A product whose stock was never set has none
    When "potter@example.com" reads the stock of "Blue Teapot"
    Then the answer is 200
    And "potter@example.com" sees 0 on hand, 0 reserved and 0 available of "Blue Teapot"

  Scenario: Another seller can neither read nor change the stock
    Given "potter@example.com" sets the stock of "Blue Teapot" to 12
    When "smith@example.com" sets the stock of "Blue Teapot" to 99
    Then the answer is a 404 problem
    When "smith@example.com" reads the stock of "Blue Teapot"
    Then the answer is a 404 problem
    And "potter@example.com" sees 12 on hand, 0 reserved and 12 available of "Blue Teapot"

  Scenario: A customer who is no seller cannot use the route
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    When "ann@example.com" reads the stock of "Blue Teapot"
    Then the answer is a 403 problem

  Scenario Outline: A bad quantity is refused naming the field, and changes nothing
    Given "potter@example.com" sets the stock of "Blue Teapot" to 12
    When "potter@example.com" sends the stock change <body> for "Blue Teapot"
    Then the answer is a 422 problem naming "<field>"
    And "potter@example.com" sees 12 on hand, 0 reserved and 12 available of "Blue Teapot"

    Examples:
      | body                          | field    |
      | {"quantity": -1}              | quantity |
      | {"quantity": 1000001}         | quantity |
      | {"quantity": "7"}             | quantity |
      | {}                            | quantity |
      | {"quantity": 7, "price": 100} | price    |

  Scenario: What orders hold is not available, and cannot be counted away
    Given "potter@example.com" sets the stock of "Blue Teapot" to 5
    When order "order-1" reserves 3 of "Blue Teapot"
    Then order "order-1" holds its stock
    And "potter@example.com" sees 5 on hand, 3 reserved and 2 available of "Blue Teapot"
    When "potter@example.com" sets the stock of "Blue Teapot" to 2
    Then the answer is a 409 problem
    When "potter@example.com" sets the stock of "Blue Teapot" to 3
    Then "potter@example.com" sees 3 on hand, 3 reserved and 0 available of "Blue Teapot"

  Scenario: The last units go to one order; a released order gives them back, a shipped one takes them
    Given "potter@example.com" sets the stock of "Blue Teapot" to 2
    When order "order-1" reserves 2 of "Blue Teapot"
    And order "order-2" reserves 1 of "Blue Teapot"
    Then order "order-1" holds its stock
    And order "order-2" could not have "Blue Teapot"
    When order "order-1" is released
    Then "potter@example.com" sees 2 on hand, 0 reserved and 2 available of "Blue Teapot"
    When order "order-3" reserves 2 of "Blue Teapot"
    And order "order-3" ships
    Then "potter@example.com" sees 0 on hand, 0 reserved and 0 available of "Blue Teapot"
