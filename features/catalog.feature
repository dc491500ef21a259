Feature: Catalogue
  An admin builds the category tree. A verified seller lists products: a card starts as a draft, is
  submitted, and reaches the shop once moderation approves it (clean content is approved by the rules at
  once). Customers browse a category with everything under it and read published cards only. A seller
  sees and changes her own cards only; an edit of a published card reaches customers only once approved.

  Background:
    Given an admin "boss@example.com"
    And a verified seller "ann@example.com"
    And a category "Kitchen"
    And a category "Teapots" under "Kitchen"

  Scenario: An admin builds the category tree
    When the admin adds the category "Garden"
    And the admin adds the category "Cups" under "Kitchen"
    Then the answer is 201
    And the category tree is "Garden, Kitchen (Cups, Teapots)"
    When the admin renames the category "Cups" to "Mugs & Cups"
    Then the answer is 200
    And the category tree is "Garden, Kitchen (Mugs & Cups, Teapots)"
    When the admin adds the category "TEAPOTS!" under "Kitchen"
    Then the answer is a 409 problem
    And the problem says "slug 'teapots'"
    When the admin adds the category "Teapots" under "Garden"
    Then the answer is 201

  Scenario: A seller lists a product and customers find it once it is approved
    When "ann@example.com" creates the product "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with the SKU "TEA-1"
    Then the answer is 201
    And "ann@example.com" sees the card "Blue Teapot" with the status "draft"
    When "ann@example.com" changes the price of "Blue Teapot" to 27.50 EUR
    Then the answer is 200
    When "ann@example.com" puts 5 of "Blue Teapot" in stock
    Then the answer is 200
    When "ann@example.com" submits the card "Blue Teapot"
    Then the answer is 202
    And "ann@example.com" sees the card "Blue Teapot" with the status "published"
    And customers see "Blue Teapot" titled "Blue Teapot" at 27.50 EUR
    And customers see "Blue Teapot" with 5 available in "Kitchen > Teapots"
    And the shop lists "Blue Teapot" in "Teapots"
    And the shop lists "Blue Teapot" in "Kitchen"
    When "ann@example.com" puts 2 of "Blue Teapot" in stock
    Then customers see "Blue Teapot" with 2 available in "Kitchen > Teapots"

  Scenario: A category lists what is published in it and under it
    Given a category "Garden"
    And the seller "ann@example.com" has published "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with 5 in stock
    And the seller "ann@example.com" has published "Bread Board" by "Woodwork" in "Kitchen" at 12.00 EUR with 0 in stock
    And the seller "ann@example.com" has published "Rake" by "Woodwork" in "Garden" at 19.00 EUR with 2 in stock with the attributes "Material=ash, Length (cm)=150, Foldable=false"
    Then the shop lists "Blue Teapot, Bread Board" in "Kitchen"
    And the shop lists "Blue Teapot" in "Teapots"
    And the shop lists "Rake" in "Garden"
    And customers see "Bread Board" with 0 available in "Kitchen"
    And customers see the attributes "Material=ash, Length (cm)=150, Foldable=false" on "Rake"

  Scenario: Another seller can neither read nor change a draft
    Given a verified seller "bob@example.com"
    And "ann@example.com" has created the product "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR
    When "bob@example.com" reads the card "Blue Teapot"
    Then the answer is a 404 problem
    When "bob@example.com" changes the title of "Blue Teapot" to "Bob's Teapot"
    Then the answer is a 404 problem
    When "bob@example.com" submits the card "Blue Teapot"
    Then the answer is a 404 problem
    When "bob@example.com" archives the card "Blue Teapot"
    Then the answer is a 404 problem
    And "ann@example.com" sees the card "Blue Teapot" titled "Blue Teapot" at 25.00 EUR
    And "ann@example.com" sees the card "Blue Teapot" with the status "draft"

  Scenario: A customer never sees a draft or a card waiting for moderation
    Given "ann@example.com" has created the product "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR
    And "ann@example.com" has created the product "Golden Teapot" by "Potter & Co" in "Teapots" at 2000000.00 EUR
    When "ann@example.com" submits the card "Golden Teapot"
    Then "ann@example.com" sees the card "Golden Teapot" with the status "pending_moderation"
    And customers cannot read "Blue Teapot"
    And customers cannot read "Golden Teapot"
    And the shop does not list "Blue Teapot"
    And the shop does not list "Golden Teapot"

  Scenario: An edit of a published card stays invisible until it is approved
    Given the seller "ann@example.com" has published "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with 5 in stock
    When "ann@example.com" changes the title of "Blue Teapot" to "Royal Blue Teapot"
    And "ann@example.com" changes the price of "Blue Teapot" to 2000000.00 EUR
    Then "ann@example.com" sees the card "Blue Teapot" with the status "draft"
    And customers see "Blue Teapot" titled "Blue Teapot" at 25.00 EUR
    When "ann@example.com" submits the card "Blue Teapot"
    Then "ann@example.com" sees the card "Blue Teapot" with the status "pending_moderation"
    And customers see "Blue Teapot" titled "Blue Teapot" at 25.00 EUR
    When "ann@example.com" changes the price of "Blue Teapot" to 29.00 EUR
    And "ann@example.com" submits the card "Blue Teapot"
    Then "ann@example.com" sees the card "Blue Teapot" with the status "published"
    And customers see "Blue Teapot" titled "Royal Blue Teapot" at 29.00 EUR

  Scenario: Archiving takes a card out of the shop
    Given the seller "ann@example.com" has published "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with 5 in stock
    Then customers see "Blue Teapot" titled "Blue Teapot" at 25.00 EUR
    When "ann@example.com" archives the card "Blue Teapot"
    Then the answer is 200
    And "ann@example.com" sees the card "Blue Teapot" with the status "archived"
    And customers cannot read "Blue Teapot"
    And the shop does not list "Blue Teapot"

  Scenario: A suspended seller's products leave the shop and come back on reinstatement
    Given the seller "ann@example.com" has published "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with 5 in stock
    Then customers see "Blue Teapot" titled "Blue Teapot" at 25.00 EUR
    When the admin suspends the seller "ann@example.com" because "unpaid fees"
    Then customers cannot read "Blue Teapot"
    And the shop does not list "Blue Teapot"
    When the admin reinstates the seller "ann@example.com"
    Then customers see "Blue Teapot" titled "Blue Teapot" at 25.00 EUR
    And the shop lists "Blue Teapot"

  Scenario: A SKU is unique among a seller's cards
    Given a verified seller "bob@example.com"
    When "ann@example.com" creates the product "Blue Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with the SKU "TEA-1"
    And "ann@example.com" creates the product "Green Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with the SKU "TEA-1"
    Then the answer is a 409 problem
    And the problem says "sku 'TEA-1'"
    When "bob@example.com" creates the product "Green Teapot" by "Potter & Co" in "Teapots" at 25.00 EUR with the SKU "TEA-1"
    Then the answer is 201

  Scenario Outline: A bad card is refused and the problem names the field
    When "ann@example.com" sends the new product <body>
    Then the answer is a 422 problem naming "<field>"

    Examples:
      | body                                                                                                                       | field             |
      | {"sku": "T-1", "title": "ab", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "EUR"}}                     | title             |
      | {"sku": "T-1", "title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 0, "currency": "EUR"}}                    | price.amount      |
      | {"sku": "T-1", "title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "ABC"}}                 | price.currency    |
      | {"sku": "T-1", "title": "Teapot", "category_id": "no-such-category", "price": {"amount": 2500, "currency": "EUR"}}         | category_id       |
      | {"sku": "T 1", "title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "EUR"}}                 | sku               |
      | {"title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "EUR"}}                               | sku               |
      | {"sku": "T-1", "title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "EUR"}, "colour": "red"} | colour            |
      | {"sku": "T-1", "title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "EUR"}, "attributes": [{"name": "Volume", "kind": "number", "value": "big"}]} | attributes.0.value |
      | {"sku": "T-1", "title": "Teapot", "category_id": "$KITCHEN", "price": {"amount": 2500, "currency": "EUR"}, "attributes": [{"name": "Volume", "kind": "size", "value": 1}]}      | attributes.0.kind  |
