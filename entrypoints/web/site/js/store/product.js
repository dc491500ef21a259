// A product: its images, price, stock and seller, "Add to cart", the description, the reviews (with the
// sellers' answers and "helpful" votes), what customers also bought and similar products. A customer who
// received the product (an order of theirs with it was delivered) may review it here.
import { api, session } from "../api.js";
import { h, mount, values } from "../dom.js";
import {
  busy,
  date,
  errorBox,
  field,
  grid,
  image,
  money,
  ratingStars,
  stars,
  submitting,
  title,
  toast,
} from "../ui.js";
import { addToCart } from "./common.js";

const REVIEW_SORTS = [
  ["newest", "Newest"],
  ["helpful", "Most helpful"],
  ["rating_desc", "Highest rating"],
  ["rating_asc", "Lowest rating"],
];
const REVIEWS_PAGE = 10;
const RECEIVED = ["delivered", "return_requested", "refunded"];

function quietly(promise, fallback = null) {
  return promise.catch(() => fallback);
}

function media(product) {
  const urls = product.image_urls;
  const main = h("div", { class: "product-main-image" }, image(urls[0], product.title, 480, true));
  if (urls.length < 2) return h("div", { class: "product-media" }, main);
  const thumbs = urls.map((url, i) =>
    h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "thumb",
          "aria-label": `Show image ${i + 1} of ${urls.length}`,
          "aria-pressed": String(i === 0),
          onclick: (event) => {
            mount(main, image(url, `${product.title}, image ${i + 1}`, 480, true));
            for (const b of event.currentTarget.closest("ul").querySelectorAll("button")) {
              b.setAttribute("aria-pressed", String(b === event.currentTarget));
            }
          },
        },
        image(url, "", 64),
      ),
    ),
  );
  return h("div", { class: "product-media" }, main, h("ul", { class: "thumbs" }, thumbs));
}

function buyBox(product) {
  const most = Math.min(99, product.available);
  const form = h(
    "form",
    { class: "buy" },
    product.in_stock
      ? field("Quantity", { name: "quantity", type: "number", min: 1, max: most, value: "1", inputmode: "numeric" })
      : null,
    h("button", { type: "submit", disabled: !product.in_stock }, product.in_stock ? "Add to cart" : "Out of stock"),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const quantity = Number(values(form).quantity || 1);
      await addToCart(product.id, quantity);
    }),
  );
  return form;
}

function details(product, seller) {
  const category = product.category;
  return h(
    "div",
    { class: "product-info" },
    h("h1", {}, product.title),
    h(
      "p",
      { class: "muted" },
      "Brand: ",
      h("a", { href: `/search?brand=${encodeURIComponent(product.brand)}` }, product.brand),
      category
        ? [" · ", h("a", { href: `/search?category=${encodeURIComponent(category.id)}` }, category.path.join(" › "))]
        : null,
    ),
    h("p", {}, h("a", { href: "#reviews", class: "rating-link" }, stars(product.rating.average, product.rating.count))),
    h("p", { class: "price big-price" }, money(product.price)),
    h(
      "p",
      { class: ["stock", product.in_stock ? "in-stock" : "out-of-stock"] },
      product.in_stock ? `In stock: ${product.available}` : "Out of stock",
    ),
    h(
      "p",
      {},
      "Sold by ",
      h(
        "a",
        { href: `/sellers/${encodeURIComponent(product.seller_id)}` },
        seller ? seller.display_name : "the seller",
      ),
      seller && seller.review_count ? [" ", stars(seller.rating, seller.review_count)] : null,
    ),
    buyBox(product),
  );
}

function attributesList(attributes) {
  if (!attributes.length) return null;
  return h(
    "dl",
    { class: "attributes" },
    attributes.flatMap((a) => [
      h("dt", {}, a.name),
      h("dd", {}, typeof a.value === "boolean" ? (a.value ? "Yes" : "No") : String(a.value)),
    ]),
  );
}

function ratingSummary(rating) {
  if (!rating.count) return h("p", { class: "muted" }, "No reviews yet.");
  return h(
    "div",
    { class: "rating-summary" },
    h("p", {}, stars(rating.average, rating.count), ` ${rating.average.toFixed(1)} out of 5`),
    h(
      "ul",
      { class: "rating-bars", "aria-label": "Reviews by stars" },
      [5, 4, 3, 2, 1].map((n) => {
        const count = rating.stars[n - 1] || 0;
        return h(
          "li",
          {},
          h("span", {}, `${n} star${n === 1 ? "" : "s"}`),
          h("meter", { min: 0, max: rating.count, value: count, "aria-hidden": "true" }),
          h("span", {}, String(count)),
        );
      }),
    ),
  );
}

function helpfulButton(review) {
  const count = h("span", { class: "muted" }, `${review.helpful} found this helpful`);
  if (!session.signedIn) return h("p", { class: "helpful" }, count);
  const button = h("button", { type: "button", class: "secondary small", "aria-pressed": "false" }, "Helpful");
  button.addEventListener("click", () =>
    busy(button, async () => {
      const pressed = button.getAttribute("aria-pressed") === "true";
      try {
        const view = await api(pressed ? "DELETE" : "PUT", `/reviews/${encodeURIComponent(review.id)}/helpful`);
        button.setAttribute("aria-pressed", String(!pressed));
        count.textContent = `${view.helpful} found this helpful`;
      } catch (error) {
        toast(error.message);
      }
    }),
  );
  return h("p", { class: "helpful" }, count, " ", button);
}

function reportForm(review) {
  if (!session.signedIn) return null;
  const form = h(
    "form",
    { class: "report-form" },
    field(
      "Why should this review not be shown?",
      { name: "reason", required: true, minlength: 3, maxlength: 500 },
      "textarea",
    ),
    h("button", { type: "submit", class: "secondary" }, "Send report"),
  );
  const box = h("details", { class: "report" }, h("summary", {}, "Report this review"), form);
  form.addEventListener(
    "submit",
    submitting(async () => {
      await api("POST", `/reviews/${encodeURIComponent(review.id)}/reports`, {
        body: { reason: values(form).reason || "" },
      });
      mount(box, h("p", { class: "notice" }, "Thank you: a moderator will look at this review."));
    }),
  );
  return box;
}

function reviewItem(review) {
  return h(
    "li",
    { class: "review" },
    h("h3", {}, review.title),
    h(
      "p",
      { class: "review-meta" },
      ratingStars(review.rating),
      " ",
      review.author_name,
      " · ",
      date(review.published_at),
      review.verified ? [" ", h("span", { class: "badge" }, "Verified purchase")] : null,
      review.edited ? [" ", h("span", { class: "muted" }, "(edited)")] : null,
    ),
    h("p", { class: "review-text" }, review.text),
    review.photo_urls.length
      ? h(
          "ul",
          { class: "thumbs" },
          review.photo_urls.map((url, i) =>
            h(
              "li",
              {},
              h("a", { href: url, target: "_blank", rel: "noopener" }, image(url, `Photo ${i + 1} of the review`, 96)),
            ),
          ),
        )
      : null,
    review.answer
      ? h(
          "div",
          { class: "answer" },
          h("p", {}, h("strong", {}, "The seller answered"), " · ", date(review.answer.answered_at)),
          h("p", { class: "review-text" }, review.answer.text),
        )
      : null,
    helpfulButton(review),
    reportForm(review),
  );
}

// The reviews, sorted as chosen, a page at a time ("More reviews").
function reviewList(product) {
  const list = h("ul", { class: "reviews" });
  const more = h("div", { class: "actions" });
  const status = h("div", { role: "status" });
  const select = h(
    "select",
    { id: "review-sort" },
    REVIEW_SORTS.map(([value, name]) => h("option", { value }, name)),
  );
  async function load(cursor) {
    try {
      const page = await api("GET", `/products/${encodeURIComponent(product.id)}/reviews`, {
        query: { sort: select.value, limit: REVIEWS_PAGE, cursor },
      });
      if (!cursor) list.replaceChildren();
      for (const review of page.items) list.append(reviewItem(review));
      if (!cursor && !page.items.length) list.append(h("li", { class: "muted" }, "No reviews yet."));
      const button = h("button", { type: "button", class: "secondary" }, "More reviews");
      button.addEventListener("click", () => busy(button, () => load(page.next_cursor)));
      mount(more, page.next_cursor ? button : null);
      mount(status);
    } catch (error) {
      mount(status, errorBox(error));
    }
  }
  select.addEventListener("change", () => load());
  const section = h(
    "div",
    {},
    h("div", { class: "field sort-field" }, h("label", { for: "review-sort" }, "Sort reviews"), select),
    status,
    list,
    more,
  );
  return { section, load };
}

// Whether the signed-in customer received the product (an order of theirs holding it was delivered),
// and their review of it if they wrote one.
async function reviewerState(productId) {
  if (!session.signedIn) return { received: false, mine: null };
  const pages = await Promise.all(
    RECEIVED.map((status) => quietly(api("GET", "/orders", { query: { status, limit: 100 } }), { items: [] })),
  );
  const received = pages.some((page) =>
    page.items.some((order) => order.delivered_at && order.lines.some((line) => line.product_id === productId)),
  );
  if (!received) return { received, mine: null };
  const mine = await quietly(api("GET", "/me/reviews", { query: { limit: 100 } }), { items: [] });
  return { received, mine: mine.items.find((r) => r.product_id === productId && r.status !== "deleted") || null };
}

function reviewOutcome(review) {
  const said = {
    published: "Your review is published. Thank you!",
    pending: "Thank you! Your review waits for a moderator and appears once approved.",
    rejected: `Your review was not published: ${review.rejection_reasons.join("; ") || "see your account"}.`,
  };
  return h(
    "div",
    { class: review.status === "rejected" ? "error" : "notice", role: "status" },
    h("p", {}, said[review.status] || `Your review is ${review.status}.`),
    h("p", {}, h("a", { href: "/account#my-reviews" }, "Your reviews")),
  );
}

function reviewForm(product, state) {
  const box = h("section", { id: "review", class: "panel store-panel", "aria-labelledby": "review-heading" });
  if (state.mine) {
    return mount(box, h("h2", { id: "review-heading" }, "Your review"), reviewOutcome(state.mine));
  }
  const starsInput = h(
    "fieldset",
    { class: "star-input" },
    h("legend", {}, "Your rating"),
    [1, 2, 3, 4, 5].map((n) =>
      h(
        "label",
        { class: "check" },
        h("input", { type: "radio", name: "rating", value: String(n), required: true }),
        `${n} star${n === 1 ? "" : "s"}`,
      ),
    ),
  );
  const form = h(
    "form",
    { class: "form bare review-form", novalidate: true },
    starsInput,
    field("Title", { name: "title", required: true, minlength: 3, maxlength: 120 }),
    field("Your review", { name: "text", required: true, minlength: 10, maxlength: 5000 }, "textarea"),
    field("Name shown with the review (optional)", { name: "author_name", maxlength: 50, autocomplete: "nickname" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Submit review")),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const data = values(form);
      const body = { rating: Number(data.rating || 0), title: data.title || "", text: data.text || "" };
      if (data.author_name) body.author_name = data.author_name;
      const review = await api("POST", `/products/${encodeURIComponent(product.id)}/reviews`, { body });
      mount(box, h("h2", { id: "review-heading" }, "Your review"), reviewOutcome(review));
    }),
  );
  return mount(
    box,
    h("h2", { id: "review-heading" }, "Write a review"),
    h("p", { class: "muted" }, "You received this product: tell other customers what you think."),
    form,
  );
}

function shelf(heading, page) {
  if (!page || !page.items.length) return null;
  return [h("h2", {}, heading), grid(page.items)];
}

export default async function product({ main, params, stale }) {
  const id = encodeURIComponent(params.id);
  const item = await api("GET", `/products/${id}`);
  const [seller, rating, alsoBought, similar, state] = await Promise.all([
    quietly(api("GET", `/sellers/${encodeURIComponent(item.seller_id)}`)),
    quietly(api("GET", `/products/${id}/rating`), item.rating),
    quietly(api("GET", `/products/${id}/also-bought`, { query: { limit: 8 } })),
    quietly(api("GET", `/products/${id}/similar`, { query: { limit: 8 } })),
    quietly(reviewerState(item.id), { received: false, mine: null }),
  ]);
  if (stale()) return;
  title(item.title);
  const reviews = reviewList(item);
  mount(
    main,
    h("div", { class: "split wide product" }, media(item), details({ ...item, rating }, seller)),
    h("h2", {}, "Description"),
    h("p", { class: "description" }, item.description),
    attributesList(item.attributes),
    h("h2", { id: "reviews" }, "Reviews"),
    ratingSummary(rating),
    state.received ? reviewForm(item, state) : null,
    reviews.section,
    shelf("Customers also bought", alsoBought),
    shelf("Similar products", similar),
  );
  await reviews.load();
  if (location.hash === "#review" && !stale()) {
    const target = document.getElementById("review");
    if (target) target.scrollIntoView();
  }
}
