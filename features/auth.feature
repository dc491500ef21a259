Feature: Accounts and sessions
  A visitor registers and becomes a customer; a customer logs in and out; a session ends when it
  expires, at logout, or when the password changes elsewhere; an admin grants roles.

  Scenario: A visitor registers and logs in
    When a visitor registers as "ann@example.com" with the password "correct horse battery" and the name "Ann"
    Then the answer is 201
    And the new account has the roles "customer"
    When "ann@example.com" logs in with the password "correct horse battery"
    Then the answer is 200
    And a bearer session token is issued
    And "ann@example.com" sees her account with the email "ann@example.com"

  Scenario: An email is registered once, whatever its case and spaces
    Given a customer "ann@example.com" with the password "correct horse battery"
    When a visitor registers as "  ANN@Example.COM " with the password "another fine secret" and the name "Imposter"
    Then the answer is a 409 problem

  Scenario Outline: A weak or malformed credential is refused, naming the field
    When a visitor registers as "<email>" with the password "<password>" and the name "Bob"
    Then the answer is a 422 problem naming "<field>"
    And "bob@example.com" cannot log in with the password "<password>"

    Examples:
      | email           | password              | field    |
      | bob@example.com | short1                | password |
      | bob@example.com | password123           | password |
      | bob@example.com | abababababab          | password |
      | bob.example.com | correct horse battery | email    |

  Scenario: Logging out ends the session
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    When "ann@example.com" logs out
    Then the answer is 204
    And the token of "ann@example.com" is refused

  Scenario: A session stops working after its lifetime
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in
    When 6 days pass
    Then the token of "ann@example.com" still works
    When 2 days pass
    Then the token of "ann@example.com" is refused

  Scenario: Changing the password ends every other session
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in on the "laptop"
    And "ann@example.com" is logged in on the "phone"
    When "ann@example.com" changes her password on the "laptop" from "correct horse battery" to "a brand new passphrase"
    Then the answer is 204
    And the token of "ann@example.com" on the "phone" is refused
    And the token of "ann@example.com" on the "laptop" still works
    And "ann@example.com" cannot log in with the password "correct horse battery"
    And "ann@example.com" can log in with the password "a brand new passphrase"

  Scenario: Logging out everywhere ends every session
    Given a customer "ann@example.com" with the password "correct horse battery"
    And "ann@example.com" is logged in on the "laptop"
    And "ann@example.com" is logged in on the "phone"
    When "ann@example.com" logs out everywhere from the "phone"
    Then the token of "ann@example.com" on the "phone" is refused
    And the token of "ann@example.com" on the "laptop" is refused

  Scenario: Repeated failed logins are throttled
    Given a customer "ann@example.com" with the password "correct horse battery"
    When someone tries 5 wrong passwords for "ann@example.com"
    Then each attempt was answered 401
    When "ann@example.com" logs in with the password "correct horse battery"
    Then the answer is a 429 problem
    And the answer says when to retry

  Scenario: A wrong password and an unknown email are told apart by nobody
    Given a customer "ann@example.com" with the password "correct horse battery"
    When "ann@example.com" logs in with the password "not her password at all"
    And "nobody@example.com" logs in with the password "not her password at all"
    Then both answers are the same 401 problem

  Scenario: An admin grants the seller role
    Given a customer "ann@example.com" with the password "correct horse battery"
    And an admin "root@example.com"
    When the admin sets the roles of "ann@example.com" to "customer, seller"
    Then the answer is 200
    And "ann@example.com" sees the roles "customer, seller" on her account

  Scenario: Only an admin manages roles and accounts
    Given a customer "ann@example.com" with the password "correct horse battery"
    And a customer "eve@example.com" with the password "eve has a long secret"
    When "eve@example.com" sets the roles of "ann@example.com" to "customer, admin"
    Then the answer is a 403 problem
    And "eve@example.com" listing the accounts is answered with a 403 problem
    And "ann@example.com" sees the roles "customer" on her account

  Scenario: No answer ever shows a password or its hash
    Given a customer "ann@example.com" with the password "correct horse battery"
    And an admin "root@example.com"
    When the admin lists the accounts
    Then the answer is 200
    And no answer so far contains "argon2" or "correct horse battery"
