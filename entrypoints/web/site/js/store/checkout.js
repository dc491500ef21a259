// The checkout: the cart's summary, where to deliver (the address book, or a new address added here) and
// the card (the gateway's sandbox tokens), then "Place order". The Idempotency-Key is made once per visit of
// this page: a second press, or a retry after a lost answer, answers the same order and charges once.
import { api, cartCall, idempotencyKey } from "../api.js";
import { h, mount } from "../dom.js";
import { addressBlock, errorBox, field, money, submitting, title } from "../ui.js";
import { CARDS, addressForm, cartNotes } from "./common.js";

function summary(cart) {
  return h(
    "section",
    { class: "panel store-panel", "aria-labelledby": "summary-heading" },
    h("h2", { id: "summary-heading" }, "Your order"),
    h(
      "ul",
      { class: "summary-lines" },
      cart.lines.map((line) =>
        h(
          "li",
          {},
          h("span", {}, `${line.title || "A product no longer sold"} × ${line.quantity}`),
          h("span", { class: "price" }, line.line_total ? money(line.line_total) : ""),
          line.note ? h("span", { class: "field-error" }, line.note) : null,
        ),
      ),
    ),
    cart.totals.map((total) =>
      h("p", { class: "order-total" }, "Total: ", h("span", { class: "price" }, money(total))),
    ),
    cartNotes(cart),
    h("p", {}, h("a", { href: "/cart" }, "Change the cart")),
  );
}

export default async function checkout({ main, navigate, stale }) {
  title("Checkout");
  const key = idempotencyKey(); // one per visit of the page
  const [cart, book] = await Promise.all([cartCall("GET", "/cart"), api("GET", "/me/addresses")]);
  if (stale()) return;
  if (!cart || !cart.lines.length) {
    mount(
      main,
      h("h1", {}, "Checkout"),
      h("p", {}, "Your cart is empty."),
      h("p", {}, h("a", { href: "/" }, "Continue shopping")),
    );
    return;
  }
  let addresses = book.items;
  let chosen = (addresses.find((a) => a.is_default) || addresses[0] || {}).address_id || "";
  const addressBox = h("div", {});
  const formId = "place-order";

  function drawAddresses(adding = addresses.length === 0) {
    const choices = h(
      "fieldset",
      { class: "address-choices" },
      h("legend", {}, "Deliver to"),
      addresses.length
        ? addresses.map((a) =>
            h(
              "label",
              { class: "address-choice" },
              h("input", {
                type: "radio",
                name: "address_id",
                value: a.address_id,
                form: formId,
                checked: a.address_id === chosen,
                onchange: () => {
                  chosen = a.address_id;
                },
              }),
              h("span", {}, a.label ? h("strong", {}, a.label) : null, addressBlock(a)),
            ),
          )
        : h("p", { class: "muted" }, "Your address book is empty: add the delivery address below."),
    );
    const add = adding
      ? [
          h("h3", {}, "New address"),
          addressForm({
            submitText: "Add address",
            onCancel: addresses.length ? () => drawAddresses(false) : null,
            onSaved: async (saved) => {
              addresses = (await api("GET", "/me/addresses")).items;
              chosen = saved.address_id;
              drawAddresses(false);
            },
          }),
        ]
      : h("button", { type: "button", class: "secondary", onclick: () => drawAddresses(true) }, "Add a new address");
    mount(addressBox, choices, add);
  }
  drawAddresses();

  const total = cart.totals.map(money).join(" + ");
  const place = h(
    "form",
    { id: formId, class: "panel store-panel place-order", novalidate: true },
    h("h2", {}, "Payment"),
    field("Card", { name: "payment_token", options: CARDS, value: CARDS[0][0] }, "select"),
    h("p", { class: "muted" }, "Test cards of the payment sandbox: no real money is charged."),
    h("div", { class: "actions" }, h("button", { type: "submit" }, total ? `Place order · ${total}` : "Place order")),
  );
  place.addEventListener(
    "submit",
    submitting(async () => {
      const body = { address_id: chosen, payment_token: place.elements.namedItem("payment_token").value };
      if (!body.address_id) {
        throw Object.assign(new Error("Choose where to deliver the order, or add an address."), { status: 422 });
      }
      const order = await api("POST", "/orders", { body, headers: { "Idempotency-Key": key } });
      window.dispatchEvent(new Event("cart-changed"));
      navigate(`/orders/${encodeURIComponent(order.order_id)}`, { replace: true });
    }),
  );
  mount(
    main,
    h("h1", {}, "Checkout"),
    h(
      "div",
      { class: "split wide" },
      h(
        "div",
        {},
        summary(cart),
        h(
          "section",
          { class: "panel store-panel", "aria-labelledby": "address-heading" },
          h("h2", { id: "address-heading" }, "Delivery address"),
          addressBox,
        ),
      ),
      h("div", {}, place),
    ),
  );
  if (!cart.lines.every((line) => line.purchasable)) {
    place.prepend(errorBox(new Error("Some lines cannot be bought as they stand: change them in the cart first.")));
  }
}
