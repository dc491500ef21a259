Feature: Cart
  A guest fills a cart kept under a cart token and sees today's prices and availability; at login the
  guest cart joins the customer's own cart. Only published products go in, the limits name the field,
  and a token that names no cart is refused.

  Background:
    Given a verified seller "potter@example.com"
    And a category "Kitchen"
    And the seller "potter@example.com" has published "Blue Teapot" by "Potter & Co" in "Kitchen" at 25.00 EUR with 5 in stock
    And the seller "potter@example.com" has published "Tea Cup" by "Potter & Co" in "Kitchen" at 4.50 EUR with 120 in stock

  Scenario: A guest fills a cart and sees the line totals and the total
    Given a guest has started a cart
    When the guest adds 1 "Blue Teapot" to the cart
    And the guest adds 2 "Tea Cup" to the cart
    Then the answer is 200
    And the guest's cart holds these lines:
      | title       | quantity | unit price | line total | purchasable |
      | Blue Teapot | 1        | 25.00 EUR  | 25.00 EUR  | yes         |
      | Tea Cup     | 2        | 4.50 EUR   | 9.00 EUR   | yes         |
    And the guest's cart totals "34.00 EUR" for 3 items

  Scenario: A guest changes a quantity and removes a line
    Given a guest has started a cart
    And the guest adds 1 "Blue Teapot" to the cart
    And the guest adds 2 "Tea Cup" to the cart
    When the guest changes the quantity of "Tea Cup" to 5
    Then the answer is 200
    And the guest's cart totals "47.50 EUR" for 6 items
    When the guest removes "Blue Teapot" from the cart
    Then the answer is 204
    And the guest's cart holds these lines:
      | title   | quantity | unit price | line total | purchasable |
      | Tea Cup | 5        | 4.50 EUR   | 22.50 EUR  | yes         |
    When the guest changes the quantity of "Tea Cup" to 0
    Then the guest's cart totals "nothing" for 0 items

  Scenario: At login the guest cart joins what the customer's cart already held
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    And "ann@example.com" adds 1 "Blue Teapot" to her cart
    And a guest has started a cart
    And the guest adds 2 "Tea Cup" to the cart
    And the guest adds 1 "Blue Teapot" to the cart
    When "ann@example.com" logs in with the guest's cart
    Then the answer is 200
    And the cart of "ann@example.com" holds these lines:
      | title       | quantity | unit price | line total | purchasable |
      | Blue Teapot | 2        | 25.00 EUR  | 50.00 EUR  | yes         |
      | Tea Cup     | 2        | 4.50 EUR   | 9.00 EUR   | yes         |
    And the cart of "ann@example.com" totals "59.00 EUR" for 4 items
    And the guest's cart token is refused

  Scenario: A product that goes out of stock is shown as not purchasable
    Given a guest has started a cart
    And the guest adds 1 "Blue Teapot" to the cart
    And the guest adds 2 "Tea Cup" to the cart
    When "potter@example.com" sets the stock of "Tea Cup" to 0
    Then the answer is 200
    And the guest's cart holds these lines:
      | title       | quantity | unit price | line total | purchasable |
      | Blue Teapot | 1        | 25.00 EUR  | 25.00 EUR  | yes         |
      | Tea Cup     | 2        | 4.50 EUR   | 9.00 EUR   | no          |
    And the line "Tea Cup" of the guest's cart notes "this product is out of stock"
    And the guest's cart totals "25.00 EUR" for 3 items

  Scenario: A product that is not published cannot be added
    Given "potter@example.com" has created the product "Secret Kettle" by "Potter & Co" in "Kitchen" at 30.00 EUR
    And a guest has started a cart
    When the guest adds 1 "Secret Kettle" to the cart
    Then the answer is a 404 problem
    And the answer does not mention "draft"
    And the guest's cart totals "nothing" for 0 items

  Scenario Outline: The limits of a line name the field
    Given a guest has started a cart
    And the guest adds 98 "Tea Cup" to the cart
    When the guest adds <quantity> "Tea Cup" to the cart
    Then the answer is a 422 problem naming "quantity"
    And the guest's cart totals "441.00 EUR" for 98 items

    Examples:
      | quantity |
      | 0        |
      | 2        |
      | 100      |

  Scenario: A token that names no cart is refused, naming the header
    When someone reads the cart with the cart token "no-such-cart-token"
    Then the answer is a 404 problem naming "X-Cart-Token"
