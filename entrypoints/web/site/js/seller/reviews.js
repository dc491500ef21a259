// The published reviews of the seller's products, newest first (all, or those still unanswered, or one
// product's), each with the seller's public answer: write it, change it, take it back.
import { api } from "../api.js";
import { h, mount, values } from "../dom.js";
import { cursorPager, date, field, filters, image, ratingStars, submitting, title, toast } from "../ui.js";
import { confirmButton, consolePage } from "./common.js";

const titles = new Map(); // product id -> the title of the seller's card, once read

async function productTitles(ids) {
  const missing = [...new Set(ids)].filter((id) => !titles.has(id));
  await Promise.all(
    missing.map(async (id) => {
      try {
        titles.set(id, (await api("GET", `/seller/products/${encodeURIComponent(id)}`)).title);
      } catch (error) {
        titles.set(id, "");
      }
    }),
  );
}

function answerForm(review, done, cancel) {
  const form = h(
    "form",
    { class: "seller-answer-form", novalidate: true },
    field(
      "Your public answer",
      {
        name: "text",
        required: true,
        maxlength: 2000,
        rows: 3,
        value: review.answer ? review.answer.text : "",
      },
      "textarea",
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, review.answer ? "Save the answer" : "Publish the answer"),
      cancel ? h("button", { type: "button", class: "secondary", onclick: cancel }, "Cancel") : null,
    ),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const body = values(form, true);
      const saved = await api("PUT", `/seller/reviews/${encodeURIComponent(review.id)}/answer`, { body });
      toast(review.answer ? "Your answer is changed." : "Your answer is published.");
      done(saved);
    }),
  );
  return form;
}

function reviewArticle(first) {
  const article = h("article", { class: "review seller-review panel seller-card" });
  const focusAnswer = () => {
    const target = article.querySelector(".answer h3, textarea");
    if (target) target.focus();
  };
  const draw = (review, editing = false) => {
    const id = `review-${review.id}`;
    const answered = (saved) => {
      draw(saved);
      focusAnswer();
    };
    let answerPart;
    if (review.answer && !editing) {
      const edit = h("button", { type: "button", class: "secondary" }, "Edit the answer");
      edit.addEventListener("click", () => {
        draw(review, true);
        article.querySelector("textarea").focus();
      });
      const remove = confirmButton("Delete the answer", "Delete your answer?", "Yes, delete it", async () => {
        await api("DELETE", `/seller/reviews/${encodeURIComponent(review.id)}/answer`);
        toast("Your answer is deleted.");
        draw({ ...review, answer: null });
        focusAnswer();
      });
      answerPart = h(
        "div",
        { class: "answer" },
        h("h3", { tabindex: "-1" }, "Your answer"),
        h("p", { class: "seller-text" }, review.answer.text),
        h("p", { class: "muted" }, `Answered ${date(review.answer.answered_at, true)}`),
        h("div", { class: "actions" }, edit, remove),
      );
    } else {
      const cancel = editing
        ? () => {
            draw(review);
            focusAnswer();
          }
        : null;
      answerPart = h("div", { class: "answer" }, answerForm(review, answered, cancel));
    }
    const product = titles.get(review.product_id);
    mount(
      article,
      h("h2", { id }, review.title || `${review.rating}-star review`),
      h(
        "p",
        {},
        ratingStars(review.rating),
        " by ",
        review.author_name,
        review.verified ? [" ", h("span", { class: "badge" }, "Verified purchase")] : null,
        `, ${date(review.published_at)}`,
        review.edited ? " (edited)" : "",
      ),
      h(
        "p",
        { class: "muted" },
        "About ",
        h("a", { href: `/seller/products/${encodeURIComponent(review.product_id)}` }, product || "your product"),
        review.helpful ? ` · ${review.helpful} found it helpful` : "",
      ),
      h("p", { class: "seller-text" }, review.text),
      review.photo_urls.length
        ? h(
            "ul",
            { class: "thumbs" },
            review.photo_urls.map((url, i) => h("li", {}, image(url, `Photo ${i + 1} from the review`, 64))),
          )
        : null,
      answerPart,
    );
    article.setAttribute("aria-labelledby", id);
  };
  draw(first);
  return article;
}

export default async function reviews({ main, path, query, stale }) {
  title("Reviews");
  const productId = query.get("product_id") || "";
  const unanswered = query.get("unanswered") === "true";
  const page = await api("GET", "/seller/reviews", {
    query: { product_id: productId, unanswered: unanswered ? "true" : "", limit: 20, cursor: query.get("cursor") },
  });
  await productTitles([...page.items.map((r) => r.product_id), ...(productId ? [productId] : [])]);
  if (stale()) return;
  const empty = unanswered ? "Every review has your answer." : "No reviews of your products yet.";
  consolePage(
    main,
    path,
    productId ? `Reviews of ${titles.get(productId) || "one product"}` : "Reviews",
    h(
      "p",
      {},
      "Your answers are public: customers read them under the review. ",
      productId ? h("a", { href: path }, "Show the reviews of all your products") : null,
    ),
    filters("unanswered", "Show", path, query, [
      ["", "All"],
      ["true", "Not answered yet"],
    ]),
    page.items.length ? page.items.map(reviewArticle) : h("p", { class: "muted" }, empty),
    cursorPager(path, query, page.next_cursor),
  );
}
