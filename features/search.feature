Feature: Search
  Customers find published products by the words of their cards, narrow them by category (with the
  categories under it), brand, price and stock, sort them, and get completions as they type; they find
  storefronts by name. The index follows the catalogue: a draft is never found, a card leaves the results
  when it is archived, and an approved edit shows at once.

  Background:
    Given a verified seller "ann@example.com"
    And a category "Audio"
    And a category "Headphones" under "Audio"
    And a category "Kitchen"
    And the seller "ann@example.com" has published "Wireless Headphones" by "Sony" in "Headphones" at 199.00 EUR with 5 in stock
    And the seller "ann@example.com" has published "Bluetooth Speaker" by "JBL" in "Audio" at 49.99 EUR with 0 in stock
    And the seller "ann@example.com" has published "Blue Teapot" by "Potter & Co" in "Kitchen" at 25.00 EUR with 3 in stock

  Scenario: A customer finds a product by the words of its title
    When a customer searches for "wireless headphones"
    Then the results are "Wireless Headphones"
    When a customer searches for "headphones teapot"
    Then nothing is found

  Scenario: Case, accents and an unfinished last word do not matter
    When a customer searches for "BLUÉ"
    Then the results are, in any order, "Blue Teapot, Bluetooth Speaker"
    When a customer searches for "wireless HEADPH"
    Then the results are "Wireless Headphones"

  Scenario: A customer finds a product by the words of its description, as soon as the edit is approved
    When a customer searches for "stoneware"
    Then nothing is found
    When "ann@example.com" describes the card "Blue Teapot" as "Hand-thrown stoneware that keeps tea hot for hours"
    And a customer searches for "stoneware"
    Then the results are "Blue Teapot"

  Scenario: A customer narrows the results by category, sub-categories included
    When a customer searches the category "Audio"
    Then the results are, in any order, "Wireless Headphones, Bluetooth Speaker"
    And the category facet counts "Audio 2, Headphones 1, Kitchen 1"
    When a customer searches the category "Headphones"
    Then the results are "Wireless Headphones"

  Scenario: A customer narrows the results by brand and still sees the other brands
    When a customer searches the brand "sony"
    Then the results are "Wireless Headphones"
    And the brand facet counts "JBL 1, Potter & Co 1, Sony 1"
    And the category facet counts "Audio 1, Headphones 1"

  Scenario: A customer sorts by price and filters by a price range
    When a customer searches everything sorted by "price_asc"
    Then the results are "Blue Teapot, Bluetooth Speaker, Wireless Headphones"
    When a customer searches everything sorted by "price_desc"
    Then the results are "Wireless Headphones, Bluetooth Speaker, Blue Teapot"
    When a customer searches for prices from 20.00 to 49.99 EUR sorted by "price_asc"
    Then the results are "Blue Teapot, Bluetooth Speaker"
    And the price facet counts "25.00-50.00 EUR: 2, 100.00-250.00 EUR: 1" and nothing else

  Scenario: A price range needs its currency
    When a customer searches for prices from 20.00 to 50.00 without a currency
    Then the answer is a 422 problem naming "currency"

  Scenario: Only products in stock, as the stock changes
    When a customer searches for what is in stock
    Then the results are, in any order, "Wireless Headphones, Blue Teapot"
    When "ann@example.com" puts 4 of "Bluetooth Speaker" in stock
    And a customer searches for what is in stock
    Then the results are, in any order, "Wireless Headphones, Bluetooth Speaker, Blue Teapot"

  Scenario: A customer gets completions as she types
    When a customer asks for completions of "blu"
    Then the completions are "Blue Teapot, Bluetooth Speaker"
    When a customer asks for completions of "so"
    Then the completions are "Sony"

  Scenario: A draft is never found
    Given "ann@example.com" has created the product "Red Kettle" by "Kettle Works" in "Kitchen" at 30.00 EUR
    When a customer searches for "kettle"
    Then nothing is found
    When a customer asks for completions of "kett"
    Then there are no completions

  Scenario: An archived product disappears from the results
    When "ann@example.com" archives the card "Blue Teapot"
    And a customer searches for "teapot"
    Then nothing is found
    When a customer searches everything sorted by "relevance"
    Then the brand facet counts "JBL 1, Sony 1"

  Scenario: A customer finds a storefront by name
    When "ann@example.com" describes her storefront as "Headphones and speakers, tested by ear" with the logo "https://cdn.example.com/ann.png"
    And a customer searches the storefronts for "ann"
    Then the storefronts found are "Ann's Shop" described as "Headphones and speakers, tested by ear"

  Scenario: A suspended seller's storefront and products are found no more until she is reinstated
    Given an admin "boss@example.com"
    When the admin suspends the seller "ann@example.com" because "selling counterfeits"
    And a customer searches the storefronts for "ann"
    Then no storefront is found
    When a customer searches for "headphones"
    Then nothing is found
    When the admin reinstates the seller "ann@example.com"
    And a customer searches the storefronts for "ann"
    Then the storefronts found are "Ann's Shop"
    When a customer searches for "headphones"
    Then the results are "Wireless Headphones"
