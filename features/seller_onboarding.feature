Feature: Seller onboarding
  A customer applies to become a seller; an admin verifies or rejects the application, and may later
  suspend and reinstate the seller. A verified seller has a public storefront she edits herself; nobody
  else ever sees her legal name or her payout reference.

  Background:
    Given an admin "root@example.com"
    And a customer "ann@example.com" with the password "ann's long passphrase"
    And "ann@example.com" is logged in

  Scenario: A customer applies, an admin verifies her, and she opens her storefront with the same login
    When "ann@example.com" applies to become the seller "Ann's Lamps" in "DE" with the payout reference "acct_123"
    Then the answer is 201
    And "ann@example.com" sees her seller application "pending"
    And the storefront of "ann@example.com" is not found
    And "ann@example.com" reading her storefront is answered 403
    When the admin lists the pending seller applications
    Then the list of seller applications shows only "Ann's Lamps"
    When the admin verifies the seller "ann@example.com"
    Then the answer is 200
    And "ann@example.com" sees her seller application "verified"
    When "ann@example.com" describes her storefront as "Lamps made in Leipzig." with the logo "https://cdn.example.com/ann.png"
    Then the answer is 200
    And the storefront of "ann@example.com" shows the name "Ann's Lamps" and the description "Lamps made in Leipzig."
    And the storefront of "ann@example.com" shows the logo "https://cdn.example.com/ann.png", 0 products and no rating yet
    And no storefront answer shows "acct_123" or "Ann's Lamps GmbH"

  Scenario: A rejected application says why, and the applicant may apply again
    Given "ann@example.com" applied to become the seller "Ann's Lamps"
    When the admin rejects the seller "ann@example.com" because "the legal name does not match the company register"
    Then the answer is 200
    And "ann@example.com" sees her seller application "rejected" because "the legal name does not match the company register"
    And the storefront of "ann@example.com" is not found
    And "ann@example.com" reading her storefront is answered 403
    When "ann@example.com" applies to become the seller "Ann's Lamp Works" again
    Then the answer is 201
    And "ann@example.com" sees her seller application "pending"

  Scenario: A suspended seller leaves the shop until she is reinstated
    Given a verified seller "bob@example.com"
    When the admin suspends the seller "bob@example.com" because "counterfeit goods reported"
    Then the answer is 200
    And the storefront of "bob@example.com" is not found
    And "bob@example.com" reading her storefront is answered 403
    And "bob@example.com" sees her seller application "suspended" because "counterfeit goods reported"
    When the admin reinstates the seller "bob@example.com"
    Then the answer is 200
    And the storefront of "bob@example.com" is public
    And "bob@example.com" reading her storefront is answered 200

  Scenario: A second application is refused
    Given "ann@example.com" applied to become the seller "Ann's Lamps"
    When "ann@example.com" applies to become the seller "Ann's Other Lamps" again
    Then the answer is a 409 problem
    And "ann@example.com" sees her seller application "pending"

  Scenario: A verified seller cannot apply a second time either
    Given a verified seller "bob@example.com"
    When "bob@example.com" applies to become the seller "Bob's Second Shop" again
    Then the answer is a 409 problem
    And "bob@example.com" sees her seller application "verified"

  Scenario: A customer cannot verify anyone
    Given "ann@example.com" applied to become the seller "Ann's Lamps"
    And a customer "eve@example.com" with the password "eve's long passphrase"
    And "eve@example.com" is logged in
    When "eve@example.com" verifies the seller "ann@example.com"
    Then the answer is a 403 problem
    And "ann@example.com" sees her seller application "pending"

  Scenario: A decision that does not fit the status is a conflict
    Given "ann@example.com" applied to become the seller "Ann's Lamps"
    When the admin reinstates the seller "ann@example.com"
    Then the answer is a 409 problem
    And "ann@example.com" sees her seller application "pending"

  Scenario: A customer who never applied has no seller application
    Then "ann@example.com" has no seller application

  Scenario Outline: A bad application names the field and keeps nothing
    When "ann@example.com" sends the seller application <body>
    Then the answer is a 422 problem naming "<field>"
    And "ann@example.com" has no seller application

    Examples:
      | body                                                                                                   | field            |
      | {"legal_name": "Ann GmbH", "display_name": "Ann", "country": "XX", "payout_reference": "acct_1"}        | country          |
      | {"legal_name": "Ann GmbH", "display_name": "Ann", "country": "DE", "payout_reference": "DE89 3704 0044"} | payout_reference |
      | {"legal_name": "", "display_name": "Ann", "country": "DE", "payout_reference": "acct_1"}                 | legal_name       |
      | {"display_name": "Ann", "country": "DE", "payout_reference": "acct_1"}                                 | legal_name       |
      | {"legal_name": "Ann GmbH", "display_name": "", "country": "ZZ", "payout_reference": "acct_1"}           | display_name, country |

  Scenario Outline: A bad storefront change names the field and changes nothing
    Given a verified seller "bob@example.com"
    When "bob@example.com" sends the storefront change <body>
    Then the answer is a 422 problem naming "<field>"
    And the storefront of "bob@example.com" shows the name "Bob's Shop" and the description ""

    Examples:
      | body                                                   | field        |
      | {"logo_url": "http://cdn.example.com/bob.png"}         | logo_url     |
      | {"display_name": "", "description": "Bikes."}          | display_name |
      | {"description": 42}                                    | description  |
      | {"opening_hours": "9-5"}                               | opening_hours |

  Scenario: A seller who deletes their account leaves no shop and no personal data behind
    Given a category "Furniture"
    And a verified seller "bob@example.com"
    And the seller "bob@example.com" has published "Oak bookshelf" by "Woodline" in "Furniture" at 120.00 EUR with 4 in stock
    When "bob@example.com" deletes her account with the password "seller's long passphrase"
    Then the answer is 204
    And the shop does not list "Oak bookshelf"
    And customers cannot read "Oak bookshelf"
    And the deleted user's storefront is not found
    And the seller account of the deleted user keeps no personal data
