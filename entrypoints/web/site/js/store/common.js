// What several storefront pages share: the cart's "add" and its notes, the address form, the sandbox cards
// and the `next` a login may follow.
import { api, cartCall } from "../api.js";
import { h, values } from "../dom.js";
import { field, submitting, toast } from "../ui.js";

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

// What the shop says about the cart as a whole (a price changed, a product left the shop), if anything.
export function cartNotes(cart) {
  if (!cart.notes.length) return null;
  return h(
    "ul",
    { class: "error" },
    cart.notes.map((note) => h("li", {}, note)),
  );
}
