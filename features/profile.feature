Feature: Profile, preferences and address book
  A customer keeps a profile, chooses a language, a currency and notifications, and keeps an
  address book with one default address; deleting the account keeps no personal data.

  Background:
    Given a customer "ann@example.com" with the password "correct horse battery" and the name "Ann Smith"
    And "ann@example.com" is logged in

  Scenario: A new account has a profile with the name given at registration
    When "ann@example.com" reads her profile
    Then the answer is 200
    And the profile shows the display name "Ann Smith"

  Scenario: A customer updates her profile and clears her phone
    When "ann@example.com" changes her profile to the name "Ann S." and the phone "+49 30 1234567"
    Then the answer is 200
    And the profile shows the display name "Ann S."
    And the profile shows the phone "+49301234567"
    When "ann@example.com" removes her phone number
    Then the profile shows no phone

  Scenario Outline: A bad profile change is refused and changes nothing
    When "ann@example.com" sends the profile change <body>
    Then the answer is a <status> problem naming "<field>"
    And the profile shows the display name "Ann Smith"

    Examples:
      | body                              | status | field        |
      | {"display_name": ""}              | 422    | display_name |
      | {"display_name": 42}              | 422    | display_name |
      | {"phone": "call me maybe"}        | 422    | phone        |
      | {"nickname": "annie"}             | 422    | nickname     |

  Scenario: A customer chooses her language, currency and notifications
    When "ann@example.com" sets her preferences to the language "de", the currency "EUR" and promotions "on"
    Then the answer is 200
    And her preferences show the language "de" and promotions "on"
    And her preferences show order updates "on"

  Scenario: An unknown language is refused
    When "ann@example.com" sets her preferences to the language "xx", the currency "EUR" and promotions "on"
    Then the answer is a 422 problem naming "language"

  Scenario: The first address is the default and the default can move
    When "ann@example.com" adds the address "Home" in "Berlin", "DE"
    Then the answer is 201
    And "Home" is her default address
    When "ann@example.com" adds the address "Office" in "Munich", "DE" as the default
    Then "Office" is her default address
    And her address book lists "Home, Office"
    When "ann@example.com" deletes the address "Office"
    Then the answer is 204
    And "Home" is her default address
    And her address book lists "Home"

  Scenario: A customer edits an address
    Given "ann@example.com" has the address "Home" in "Berlin", "DE"
    When "ann@example.com" changes the city of "Home" to "Hamburg" and the postal code to "20095"
    Then the answer is 200
    And the address "Home" is in "Hamburg" with the postal code "20095"

  Scenario: A bad address is refused, naming every bad field
    When "ann@example.com" adds an address in the country "Atlantis" with the postal code "!!"
    Then the answer is a 422 problem naming "country, postal_code"
    And her address book is empty

  Scenario: Nobody else sees or changes a customer's addresses
    Given "ann@example.com" has the address "Home" in "Berlin", "DE"
    And a customer "eve@example.com" with the password "eve has a long secret"
    And "eve@example.com" is logged in
    When "eve@example.com" changes the city of ann's "Home" to "Nowhere"
    Then the answer is a 404 problem
    When "eve@example.com" deletes ann's "Home"
    Then the answer is a 404 problem
    And "eve@example.com" sees an empty address book
    And the address "Home" is in "Berlin" with the postal code "10115"

  Scenario: Deleting the account keeps no personal data
    Given "ann@example.com" has the address "Home" in "Berlin", "DE"
    When "ann@example.com" deletes her account with the password "correct horse battery"
    Then the answer is 204
    And the token of "ann@example.com" is refused
    And "ann@example.com" cannot log in with the password "correct horse battery"
    And nothing of "ann@example.com" is stored any more
    When a visitor registers as "ann@example.com" with the password "a fresh start here" and the name "New Ann"
    Then the answer is 201
