// What several storefront pages share: the cart's "add", addresses (shown and edited), the sandbox cards,
// order statuses, cursor pages and the `next` a login may follow.
import { api, cartCall } from "../api.js";
import { h, values } from "../dom.js";
import { field, label, pager, submitting, toast } from "../ui.js";

// The payment gateway's sandbox tokens (adapters/payment_gateway/simulator.py): never card data.
export const CARDS = [
  ["tok_visa", "Visa ending 4242"],
  ["tok_mastercard", "Mastercard ending 4444"],
  ["tok_decline", "Card that is declined"],
  ["tok_insufficient_funds", "Card without enough funds"],
  ["tok_timeout", "Card whose bank answers late"],
];

// Put `quantity` of a product in the cart, tell the header, and say so.
export async function addToCart(productId, quantity = 1) {
  const cart = await cartCall("POST", "/cart/items", { body: { product_id: productId, quantity } });
  window.dispatchEvent(new Event("cart-changed"));
  toast(quantity === 1 ? "Added to your cart." : `${quantity} added to your cart.`);
  return cart;
}

// A `next` to follow after logging in: a path of this site only ("/x", never "//host" or "https:").
export function safeNext(next) {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// An address as its lines of text.
export function addressLines(a) {
  return [
    a.recipient,
    a.line1,
    a.line2,
    [a.postal_code, a.city].filter(Boolean).join(" "),
    [a.region, a.country].filter(Boolean).join(", "),
    a.phone,
  ].filter(Boolean);
}

export function addressBlock(a) {
  return h(
    "address",
    { class: "postal" },
    addressLines(a).flatMap((line, i) => (i ? [h("br"), line] : [line])),
  );
}

// The form adding an address (POST /me/addresses), or changing `address` (PATCH): `onSaved(view)` after.
export function addressForm({ address = null, onSaved, onCancel = null, submitText = "Save address" }) {
  const a = address || {};
  const text = (name, labelText, props = {}) => field(labelText, { name, value: a[name] || "", ...props });
  const form = h(
    "form",
    { class: "form address-form", novalidate: true },
    text("recipient", "Full name", { autocomplete: "name", required: true, maxlength: 100 }),
    text("line1", "Street and number", { autocomplete: "address-line1", required: true, maxlength: 120 }),
    text("line2", "Apartment, floor (optional)", { autocomplete: "address-line2", maxlength: 120 }),
    h(
      "div",
      { class: "field-row" },
      text("postal_code", "Postal code", { autocomplete: "postal-code", required: true, maxlength: 16 }),
      text("city", "City", { autocomplete: "address-level2", required: true, maxlength: 80 }),
    ),
    text("region", "Region (optional)", { autocomplete: "address-level1", maxlength: 80 }),
    text("country", "Country", { autocomplete: "country", required: true, maxlength: 64 }),
    text("phone", "Phone (optional)", { type: "tel", autocomplete: "tel", maxlength: 32 }),
    text("label", "Label, e.g. Home (optional)", { maxlength: 40 }),
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", name: "default", value: "yes", checked: Boolean(a.is_default) }),
      "Use as my default address",
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, submitText),
      onCancel ? h("button", { type: "button", class: "secondary", onclick: onCancel }, "Cancel") : null,
    ),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const body = values(form, Boolean(address));
      body.default = body.default === "yes";
      if (!address) for (const key of ["line2", "region", "label"]) body[key] = body[key] || "";
      if (!body.phone) body.phone = null;
      const saved = address
        ? await api("PATCH", `/me/addresses/${encodeURIComponent(address.address_id)}`, { body })
        : await api("POST", "/me/addresses", { body });
      await onSaved(saved);
    }),
  );
  return form;
}

const GOOD = new Set(["paid", "delivered", "shipped", "refunded"]);
const BAD = new Set(["cancelled"]);

export function statusBadge(status) {
  const tone = GOOD.has(status) ? "ok" : BAD.has(status) ? "bad" : "";
  return h("span", { class: ["badge", "status", tone && `status-${tone}`] }, label(status));
}

// "← Previous · Next →" for a list paged by cursor: `query` is the page's own query (URLSearchParams), the
// cursor and the page number travel in it. The cursor a page was reached from is kept for the tab, so
// "Previous" works after a reload too; otherwise it leads to the first page.
export function cursorPager(path, query, nextCursor) {
  const store = "marketplace.previous-cursors";
  let known = {};
  try {
    known = JSON.parse(sessionStorage.getItem(store) || "{}");
  } catch (error) {
    known = {};
  }
  const cursor = query.get("cursor") || "";
  const page = Number(query.get("page")) || 1;
  const at = (c, n) => {
    const q = new URLSearchParams(query);
    q.delete("cursor");
    q.delete("page");
    if (c) {
      q.set("cursor", c);
      q.set("page", String(n));
    }
    const text = q.toString();
    return text ? `${path}?${text}` : path;
  };
  if (nextCursor) {
    known[nextCursor] = cursor;
    const keys = Object.keys(known);
    for (const old of keys.slice(0, Math.max(0, keys.length - 200))) delete known[old];
    sessionStorage.setItem(store, JSON.stringify(known));
  }
  const previous = cursor ? at(known[cursor] || "", known[cursor] ? page - 1 : 1) : "";
  const nav = pager(previous, nextCursor ? at(nextCursor, page + 1) : "");
  if (nav && cursor) nav.prepend(h("span", { class: "muted" }, `Page ${page}`));
  return nav;
}
