// The cart, at today's prices: change a line's quantity, remove it, and go to the checkout (a guest logs in
// or registers first; the guest cart joins the customer's at login).
import { cartCall, session } from "../api.js";
import { h, mount } from "../dom.js";
import { busy, errorBox, image, money, title } from "../ui.js";
import { cartNotes } from "./common.js";

function line(item, change) {
  const name = item.title || "A product no longer sold";
  const inputId = `qty-${item.product_id}`;
  const quantity = h("input", {
    id: inputId,
    type: "number",
    min: 0,
    max: 99,
    value: String(item.quantity),
    inputmode: "numeric",
  });
  quantity.addEventListener("change", () => {
    const value = Number(quantity.value);
    if (!Number.isInteger(value) || value < 0 || value > 99) {
      quantity.value = String(item.quantity);
      return;
    }
    change(quantity, () =>
      cartCall("PATCH", `/cart/items/${encodeURIComponent(item.product_id)}`, { body: { quantity: value } }),
    );
  });
  const remove = h("button", { type: "button", class: "secondary" }, "Remove");
  remove.setAttribute("aria-label", `Remove ${name}`);
  remove.addEventListener("click", () =>
    change(remove, () => cartCall("DELETE", `/cart/items/${encodeURIComponent(item.product_id)}`)),
  );
  return h(
    "li",
    { class: "cart-line" },
    h("div", { class: "cart-image" }, image(item.image_url, "", 80)),
    h(
      "div",
      { class: "cart-what" },
      h("a", { href: `/products/${encodeURIComponent(item.product_id)}`, class: "card-title" }, name),
      h("span", { class: "muted" }, item.unit_price ? `${money(item.unit_price)} each` : ""),
      item.note ? h("span", { class: "field-error" }, item.note) : null,
    ),
    h("div", { class: "cart-qty" }, h("label", { for: inputId }, "Quantity"), quantity, remove),
    h("span", { class: "price cart-total" }, item.line_total ? money(item.line_total) : ""),
  );
}

export default async function cartPage({ main, stale }) {
  title("Cart");
  const status = h("div", { class: "cart-status", role: "status" });
  let cart = await cartCall("GET", "/cart").catch((error) => {
    if (error.status === 404) return null; // an expired guest cart: an empty one
    throw error;
  });
  if (stale()) return;

  // Run a change of the cart (button or input kept busy meanwhile), then draw the cart it answers.
  async function change(control, call) {
    mount(status);
    await busy(control, async () => {
      try {
        const answer = await call();
        cart = answer || (await cartCall("GET", "/cart"));
        window.dispatchEvent(new Event("cart-changed"));
        draw();
        const again = control.id && document.getElementById(control.id);
        if (again) again.focus();
        else main.focus();
        mount(status, h("p", { class: "hidden" }, "Your cart is updated."));
      } catch (error) {
        mount(status, errorBox(error));
      }
    });
  }

  function draw() {
    const lines = cart ? cart.lines : [];
    if (!lines.length) {
      mount(
        main,
        h("h1", {}, "Your cart"),
        status,
        h("p", { class: "empty-cart" }, "Your cart is empty."),
        h("p", {}, h("a", { href: "/" }, "Continue shopping")),
      );
      return;
    }
    const next = session.signedIn ? "/checkout" : "/login?next=%2Fcheckout";
    const buyable = lines.every((l) => l.purchasable);
    mount(
      main,
      h("h1", {}, "Your cart"),
      status,
      h(
        "ul",
        { class: "cart-lines" },
        lines.map((item) => line(item, change)),
      ),
      h(
        "div",
        { class: "panel store-panel cart-summary" },
        h("h2", {}, "Summary"),
        cartNotes(cart),
        h("p", {}, `${cart.item_count} item${cart.item_count === 1 ? "" : "s"}`),
        cart.totals.map((total) =>
          h("p", { class: "subtotal" }, "Subtotal: ", h("span", { class: "price" }, money(total))),
        ),
        buyable
          ? null
          : h("p", { class: "field-error" }, "Remove or change the lines that cannot be bought to check out."),
        h(
          "div",
          { class: "actions" },
          h("a", { href: next, class: "button" }, "Checkout"),
          h("a", { href: "/" }, "Continue shopping"),
        ),
        session.signedIn ? null : h("p", { class: "muted" }, "You log in or create an account first; your cart stays."),
      ),
    );
  }

  draw();
}
