Feature: Product images
  A seller adds images to her product cards: she asks where to upload a file, sends it there, and
  confirms it; the image then has a public URL on the CDN. Only JPEG, PNG and WebP files within the
  size limit are taken, a product holds a limited number of images, and only the product's seller may
  add or remove them: to anyone else the product does not exist.

  Background:
    Given a verified seller "potter@example.com"
    And a category "Kitchen"
    And "potter@example.com" has created the product "Blue Teapot" by "Potter" in "Kitchen" at 25.00 EUR

  Scenario: A seller uploads an image, its URL serves it, and removing it removes the file
    When "potter@example.com" uploads a 2048 byte "image/jpeg" image of "Blue Teapot"
    Then the answer is 200
    And "potter@example.com" sees 1 ready image of "Blue Teapot"
    And the image's URL serves the uploaded file as "image/jpeg"
    When "potter@example.com" removes the image of "Blue Teapot"
    Then the answer is 204
    And "potter@example.com" sees no image of "Blue Teapot"
    And the image's URL answers 404

  Scenario: A file that is not the image it was sent as is refused when confirmed, and the image is dropped
    When "potter@example.com" asks to upload a 2048 byte "image/png" image of "Blue Teapot"
    And a web page is sent in place of the image
    And "potter@example.com" confirms the image of "Blue Teapot"
    Then the answer is a 422 problem naming "content_type"
    And "potter@example.com" sees no image of "Blue Teapot"

  # The upload URL's own checks (type, size, expiry), as the memory profile's upload route makes them. On
  # infra the URL is S3's, whose checks the tests' S3 (moto server) does not make: these run on memory.
  @upload_route
  Scenario: A file of another type than the one asked for is refused, and the image is dropped
    When "potter@example.com" asks to upload a 2048 byte "image/png" image of "Blue Teapot"
    Then the answer is 201
    When the file is sent as "text/html"
    Then the upload is refused with a 415 problem
    When "potter@example.com" confirms the image of "Blue Teapot"
    Then the answer is a 422 problem naming "upload"
    And "potter@example.com" sees no image of "Blue Teapot"

  @upload_route
  Scenario: A file larger than asked for is refused
    When "potter@example.com" asks to upload a 1000 byte "image/webp" image of "Blue Teapot"
    And a file of 1001 bytes is sent
    Then the upload is refused with a 413 problem
    And "potter@example.com" sees 1 pending image of "Blue Teapot"

  @upload_route
  Scenario: An upload URL that expired is refused
    When "potter@example.com" asks to upload a 2048 byte "image/jpeg" image of "Blue Teapot"
    And 16 minutes pass
    And the file is sent
    Then the upload is refused with a 403 problem
    And "potter@example.com" sees no image of "Blue Teapot"

  Scenario Outline: An image the shop does not take is refused before any upload
    When "potter@example.com" asks to upload a <size> byte "<type>" image of "Blue Teapot"
    Then the answer is a 422 problem naming "<field>"
    And "potter@example.com" sees no image of "Blue Teapot"

    Examples:
      | type          | size    | field        |
      | image/gif     | 2048    | content_type |
      | image/svg+xml | 2048    | content_type |
      | image/png     | 5242881 | size         |
      | image/png     | 0       | size         |

  Scenario: A product holds at most 10 images
    Given "potter@example.com" has uploaded 10 images of "Blue Teapot"
    When "potter@example.com" asks to upload a 2048 byte "image/jpeg" image of "Blue Teapot"
    Then the answer is a 409 problem
    And "potter@example.com" sees 10 ready images of "Blue Teapot"

  Scenario: Another seller can neither add images to the product nor touch its images
    Given a verified seller "smith@example.com"
    And "potter@example.com" has uploaded 1 image of "Blue Teapot"
    When "smith@example.com" asks to upload a 2048 byte "image/jpeg" image of "Blue Teapot"
    Then the answer is a 404 problem
    When "smith@example.com" lists the images of "Blue Teapot"
    Then the answer is a 404 problem
    When "smith@example.com" removes the image of "Blue Teapot"
    Then the answer is a 404 problem
    And "potter@example.com" sees 1 ready image of "Blue Teapot"
