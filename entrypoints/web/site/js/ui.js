// What several pages show: prices, dates, product cards, stars, status badges, addresses, errors, forms,
// busy buttons, a toast, tables, definition lists, timelines, filter chips, cursor pages and console tabs.
import { h, mount } from "./dom.js";

const moneyFormats = new Map();

// {amount: 9799, currency: "EUR"} (minor units) as "€97.99".
export function money(price) {
  if (!price) return "";
  const currency = price.currency || "EUR";
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat(undefined, { style: "currency", currency }));
  }
  return moneyFormats.get(currency).format(price.amount / 100);
}

export function date(value, withTime = false) {
  if (!value) return "";
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(undefined, options).format(new Date(value));
}

// "open_for_payment" as "Open for payment".
export function label(value) {
  const text = String(value || "").replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// An order's statuses, in the order an order goes through them (core/orders/model.py).
export const ORDER_STATUSES = [
  "pending",
  "awaiting_payment",
  "paid",
  "shipped",
  "delivered",
  "cancelled",
  "return_requested",
  "refunded",
];

// The tone of each status the API names (orders, payments, sellers, products, reviews, moderation cases,
// shipments, sagas, images): good news, under way or waiting for someone, or a dead end; the rest is neutral
// (draft, archived, voided, superseded, deleted, and a parcel on its way).
const TONES = {
  good: [
    "paid",
    "shipped",
    "delivered",
    "refunded",
    "authorized",
    "captured",
    "verified",
    "published",
    "decided",
    "completed",
    "ready",
  ],
  warn: [
    "pending",
    "awaiting_payment",
    "return_requested",
    "authorizing",
    "capturing",
    "voiding",
    "refunding",
    "pending_moderation",
    "open",
    "running",
  ],
  bad: ["cancelled", "declined", "failed", "rejected", "suspended", "closed", "lost", "lost_refunded"],
};
const TONE = new Map(Object.entries(TONES).flatMap(([tone, statuses]) => statuses.map((s) => [s, tone])));

// A status as a badge coloured by its tone (the colour is a hint only: the word is always there).
export function badge(status, text = label(status)) {
  return h("span", { class: ["badge", TONE.get(status)] }, text);
}

export function title(text) {
  document.title = text ? `${text} · Marketplace` : "Marketplace";
}

export function stars(rating, count) {
  const value = Number(rating || 0);
  const filled = Math.round(value);
  const text = count ? `${value.toFixed(1)} out of 5 stars, ${count} review${count === 1 ? "" : "s"}` : "No reviews yet";
  return h(
    "span",
    { class: "stars", role: "img", "aria-label": text, title: text },
    h("span", { "aria-hidden": "true" }, "★".repeat(filled) + "☆".repeat(5 - filled)),
    count ? h("span", { class: "muted", "aria-hidden": "true" }, ` (${count})`) : null,
  );
}

// One review's stars: "4 out of 5 stars".
export function ratingStars(rating) {
  const n = Math.max(0, Math.min(5, Math.round(Number(rating) || 0)));
  const text = `${n} out of 5 stars`;
  return h(
    "span",
    { class: "stars", role: "img", "aria-label": text, title: text },
    "★".repeat(n) + "☆".repeat(5 - n),
  );
}

export function image(url, alt, size = 160, eager = false) {
  if (!url) return h("div", { class: "noimage", role: "img", "aria-label": alt || "No image" });
  return h("img", {
    src: url,
    alt: alt || "",
    width: size,
    height: size,
    loading: eager ? "eager" : "lazy",
    decoding: "async",
    fetchpriority: eager ? "high" : null,
  });
}

// A product as a card in a grid: search results, recommendations, "customers also bought".
// `item` is a search hit, a catalogue card or a recommendation (they name the id differently).
export function productCard(item, index = 0) {
  const id = item.id || item.product_id;
  return h(
    "li",
    { class: "card" },
    h(
      "a",
      { href: `/products/${encodeURIComponent(id)}`, class: "card-link" },
      image(item.image_url, "", 160, index < 2),
      h("span", { class: "card-title" }, item.title),
    ),
    h("span", { class: "price" }, money(item.price)),
    item.review_count !== undefined ? stars(item.rating, item.review_count) : null,
    item.in_stock === false ? h("span", { class: "badge" }, "Out of stock") : null,
  );
}

export function grid(items, emptyText = "Nothing here yet.") {
  if (!items || items.length === 0) return h("p", { class: "muted" }, emptyText);
  return h("ul", { class: "grid" }, items.map((item, i) => productCard(item, i)));
}

// An address as its lines of text (none for no address).
export function addressLines(a) {
  if (!a) return [];
  return [
    a.recipient,
    a.line1,
    a.line2,
    [a.postal_code, a.city].filter(Boolean).join(" "),
    [a.region, a.country].filter(Boolean).join(", "),
    a.phone,
  ].filter(Boolean);
}

// An address as a postal block, a line each.
export function addressBlock(a) {
  return h(
    "address",
    { class: "postal" },
    addressLines(a).flatMap((line, i) => (i ? [h("br"), line] : [line])),
  );
}

// An API error as the user should read it: the detail, and each field's message.
export function errorBox(error) {
  const fields = (error && error.errors) || [];
  return h(
    "div",
    { class: "error", role: "alert" },
    h("p", {}, error ? error.message : "Something went wrong."),
    fields.length ? h("ul", {}, fields.map((e) => h("li", {}, `${e.field}: ${e.message}`))) : null,
  );
}

// Show `error` in the form: the summary at the top, each named field marked invalid with its message.
export function showErrors(form, error) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const old of form.querySelectorAll("[aria-invalid]")) old.removeAttribute("aria-invalid");
  let box = form.querySelector(".form-error");
  if (!box) {
    box = h("div", { class: "form-error" });
    form.prepend(box);
  }
  if (!error) {
    box.replaceChildren();
    return;
  }
  mount(box, errorBox(error));
  for (const e of error.errors || []) {
    const name = e.field.split(".").pop();
    const input = form.elements.namedItem(name);
    if (input && input.setAttribute) {
      const id = `${input.id || name}-error`;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      input.after(h("span", { class: "field-error", id }, e.message));
    }
  }
  box.scrollIntoView({ block: "nearest" });
}

let fieldIds = 0;

// A labelled form field: field("Email", {name: "email", type: "email", required: true}).
export function field(text, props = {}, tag = "input") {
  const id = props.id || `f${++fieldIds}`;
  const control =
    tag === "select"
      ? h("select", { ...props, id, options: null }, (props.options || []).map(([v, t]) => h("option", { value: v }, t)))
      : h(tag, { ...props, id });
  if (tag === "select" && props.value !== undefined) control.value = props.value;
  return h("div", { class: "field" }, h("label", { for: id }, text), control);
}

// Run `action` with `button` disabled: a second press while it runs does nothing.
export async function busy(button, action) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// `onSubmit` for a form: prevents the page load, disables the submit button while `action(form)` runs,
// and shows an API error in the form.
export function submitting(action) {
  return async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const button = event.submitter || form.querySelector("[type=submit]");
    showErrors(form, null);
    try {
      await busy(button, () => action(form));
    } catch (error) {
      if (!error.status && error.status !== 0) throw error;
      showErrors(form, error);
    }
  };
}

let toastTimer = 0;

export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.add("shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("shown"), 4000);
}

// `path` with the page's query changed: `changes` sets (an array: repeats; "" or null: drops) parameters.
export function href(path, query, changes = {}) {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    for (const v of [value].flat()) if (v !== null && v !== undefined && v !== "") next.append(key, v);
  }
  const text = next.toString();
  return text ? `${path}?${text}` : path;
}

// "← Previous · Page 2 · Next →" links: `previous` and `next` are the URLs of those pages, or empty.
export function pager(previous, next, where = "") {
  if (!previous && !next) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    previous ? h("a", { href: previous, rel: "prev" }, "← Previous") : null,
    where ? h("span", { class: "muted" }, where) : null,
    next ? h("a", { href: next, rel: "next" }, "Next →") : null,
  );
}

// The pager of a cursor list. The page's URL keeps the cursors of the pages before this one (`trail`), so
// "Previous" goes back one page, after a reload or from a shared link too.
export function cursorPager(path, query, nextCursor) {
  const cursor = query.get("cursor") || "";
  const trail = (query.get("trail") || "").split(",").filter(Boolean);
  const at = (value, list) => href(path, query, { cursor: value, trail: list.join(",") });
  const previous = cursor ? at(trail[trail.length - 1] || "", trail.slice(0, -1)) : "";
  const next = nextCursor ? at(nextCursor, cursor ? [...trail, cursor] : []) : "";
  return pager(previous, next, cursor ? `Page ${trail.length + 2}` : "");
}

// The value of the filter `name` from the page's query, if it is one of `allowed` (else none: a made-up
// link shows everything rather than a 422).
export function chosen(query, name, allowed) {
  const value = query.get(name) || "";
  return allowed.includes(value) ? value : "";
}

// Links that filter a list by one parameter (`options`: [[value, text]], "" for all); a new filter starts
// from the first page.
export function filters(name, text, path, query, options) {
  const allowed = options.map(([value]) => value);
  const current = chosen(query, name, allowed);
  return h(
    "nav",
    { class: "chip-filters", "aria-label": text },
    h("span", { class: "chip-filters-label", "aria-hidden": "true" }, `${text}:`),
    h(
      "ul",
      { class: "chips" },
      options.map(([value, shown]) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: href(path, query, { [name]: value, cursor: null, trail: null }),
              "aria-current": value === current ? "true" : null,
            },
            shown,
          ),
        ),
      ),
    ),
  );
}

// A table: columns as [header, row => cell] pairs.
export function table(rows, columns, caption) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map(([header]) => h("th", { scope: "col" }, header)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(row)))))),
    ),
  );
}

// A definition list of [term, value] pairs (values left out when empty).
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

// A parcel's tracking timeline, oldest first (the newest entry last).
export function timeline(entries) {
  if (!entries || !entries.length) return h("p", { class: "muted" }, "Nothing reported yet.");
  return h(
    "ol",
    { class: "timeline" },
    entries.map((e) =>
      h(
        "li",
        {},
        h("strong", {}, label(e.status)),
        e.location ? ` — ${e.location}` : "",
        h("br"),
        h("time", { datetime: e.at, class: "muted" }, date(e.at, true)),
      ),
    ),
  );
}

// A console's tabs (`tabs`: [href, text] pairs); `current` is the href of the tab the page is in.
export function consoleNav(labelText, tabs, current) {
  return h(
    "nav",
    { "aria-label": labelText },
    h(
      "ul",
      { class: "console-nav" },
      tabs.map(([href, text]) => h("li", {}, h("a", { href, "aria-current": href === current ? "page" : null }, text))),
    ),
  );
}

// A page for someone who must log in first (or lacks the role).
export function needsLogin(main, path, role) {
  const next = encodeURIComponent(path);
  return mount(
    main,
    h("h1", {}, role ? "Not for this account" : "Please log in"),
    h(
      "p",
      {},
      role ? `This page is for accounts with the ${role} role. ` : "This page is for signed-in customers. ",
      h("a", { href: `/login?next=${next}` }, "Log in"),
      role ? null : [" or ", h("a", { href: `/register?next=${next}` }, "create an account"), "."],
    ),
  );
}
