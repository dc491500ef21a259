// One of the customer's orders: its lines and total, the address, the status and the payment, the parcel's
// tracking timeline, Cancel (before it ships) and Return (once delivered), and review links for what was
// received. While the payment is being decided the page asks again every 2 s, so "paid" (or a decline)
// shows without reloading.
import { api, cartCall } from "../api.js";
import { h, mount, values } from "../dom.js";
import {
  addressBlock,
  badge,
  busy,
  date,
  errorBox,
  facts,
  field,
  label,
  money,
  submitting,
  timeline,
  title,
  toast,
} from "../ui.js";
import { wait } from "./common.js";

const CANCELLABLE = new Set(["pending", "awaiting_payment", "paid"]);
const DECIDING = new Set(["pending", "awaiting_payment"]);
const PAYMENT_MOVING = new Set(["authorizing", "capturing", "voiding", "refunding"]);
const SHIPPED = new Set(["shipped", "delivered", "return_requested", "refunded"]);
const POLL_MS = 2000;
const POLLS = 30;

// A parcel exists once every seller marked their lines ready (the carrier has it then), or it shipped.
function handedOver(order) {
  return SHIPPED.has(order.status) || (order.status === "paid" && order.lines.every((line) => line.ready_at));
}

async function load(id) {
  const path = `/orders/${encodeURIComponent(id)}`;
  const missing = (error) => {
    if (error.status === 404) return null;
    throw error;
  };
  // Asked only where they exist (a pending order has no payment yet, an unshipped one no parcel): a 404
  // would be an error in the browser's console on every look at a new order.
  const order = await api("GET", path);
  const [payment, tracking] = await Promise.all([
    order.status === "pending" ? null : api("GET", `${path}/payment`).catch(missing),
    handedOver(order) ? api("GET", `${path}/tracking`).catch(missing) : null,
  ]);
  return { order, payment, tracking };
}

function changing({ order, payment }) {
  return DECIDING.has(order.status) || Boolean(payment && PAYMENT_MOVING.has(payment.status));
}

function declined({ order, payment }) {
  return order.status === "cancelled" && payment && (payment.status === "declined" || payment.status === "failed");
}

// Put the lines of a cancelled order back in the cart, so the customer may pay with another card.
function reorderButton(order, navigate) {
  const status = h("div", {});
  const button = h("button", { type: "button" }, "Put the items back in my cart");
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        for (const line of order.lines) {
          await cartCall("POST", "/cart/items", { body: { product_id: line.product_id, quantity: line.quantity } });
        }
        window.dispatchEvent(new Event("cart-changed"));
        toast("The items are back in your cart.");
        navigate("/cart");
      } catch (error) {
        window.dispatchEvent(new Event("cart-changed"));
        mount(status, errorBox(error));
      }
    }),
  );
  return h("div", { class: "reorder" }, h("div", { class: "actions" }, button), status);
}

function state(data, navigate) {
  const { order, payment } = data;
  const s = order.status;
  if (declined(data)) {
    return h(
      "div",
      { class: "error payment-declined", role: "alert" },
      h(
        "p",
        {},
        h("strong", {}, payment.status === "declined" ? "Your payment was declined." : "Your payment failed."),
      ),
      payment.failure ? h("p", {}, `The bank said: ${payment.failure}`) : null,
      h("p", {}, "The order is cancelled and nothing was charged. Try again with another card:"),
      reorderButton(order, navigate),
    );
  }
  const say = {
    pending: "We are confirming your payment…",
    awaiting_payment: "We are confirming your payment…",
    paid: order.lines.every((l) => l.ready_at)
      ? "Paid. The parcel is packed and waits for the carrier."
      : "Paid. The seller is preparing your parcel.",
    shipped: "Your parcel is on its way.",
    delivered: `Delivered on ${date(order.delivered_at)}.`,
    cancelled: order.cancelled_by === "customer" ? "You cancelled this order." : "This order was cancelled.",
    return_requested: "You are sending this order back: the refund follows once it is accepted.",
    refunded: order.refunded ? `Refunded: ${money(order.refunded)}.` : "Refunded.",
  };
  return h(
    "div",
    { class: s === "cancelled" ? "error" : "notice", role: "status" },
    h("p", {}, say[s] || label(s)),
    order.cancel_reason ? h("p", {}, `Reason: ${order.cancel_reason}`) : null,
    order.return_reason ? h("p", {}, `Why it goes back: ${order.return_reason}`) : null,
    order.return_refusal ? h("p", {}, `The return was refused: ${order.return_refusal}`) : null,
  );
}

function lines(order) {
  const received = Boolean(order.delivered_at);
  return h(
    "ul",
    { class: "order-lines" },
    order.lines.map((line) =>
      h(
        "li",
        {},
        h("a", { href: `/products/${encodeURIComponent(line.product_id)}` }, line.title),
        h("span", { class: "muted" }, `${line.quantity} × ${money(line.unit_price)}`),
        h("span", { class: "price" }, money(line.line_total)),
        received
          ? h(
              "a",
              { href: `/products/${encodeURIComponent(line.product_id)}#review`, class: "review-link" },
              "Write a review",
              h("span", { class: "hidden" }, ` of ${line.title}`),
            )
          : null,
      ),
    ),
  );
}

function paymentPanel(payment) {
  if (!payment) return h("p", { class: "muted" }, "No payment yet.");
  return facts([
    ["Status", h("span", { class: "payment-status" }, label(payment.status))],
    ["Amount", money(payment.amount)],
    ["Charged", money(payment.captured)],
    ["Refunded", money(payment.refunded)],
    ["Problem", payment.failure],
  ]);
}

function trackingPanel(tracking) {
  if (!tracking) {
    return h("p", { class: "muted" }, "Tracking shows here once the seller has handed the parcel to the carrier.");
  }
  return [
    h(
      "p",
      {},
      `${tracking.carrier} · tracking number ${tracking.tracking_number} · `,
      h("strong", {}, label(tracking.status)),
    ),
    timeline(tracking.timeline),
  ];
}

// A change the customer confirms in the page: a button opening a short form (a reason), then its button.
function action(openText, confirmText, reasonLabel, required, run) {
  const box = h("div", { class: "order-action" });
  const open = h("button", { type: "button", class: "secondary" }, openText);
  const form = h(
    "form",
    { class: "form bare" },
    field(reasonLabel, { name: "reason", required, maxlength: 500 }, "textarea"),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "danger" }, confirmText),
      h("button", { type: "button", class: "secondary", onclick: () => mount(box, open) }, "Keep the order"),
    ),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      await run(values(form).reason || "");
    }),
  );
  open.addEventListener("click", () => {
    mount(box, form);
    form.querySelector("textarea").focus();
  });
  return mount(box, open);
}

export default async function orderPage({ main, params, navigate, stale }) {
  let data = await load(params.id);
  let drawn = 0;
  const path = `/orders/${encodeURIComponent(params.id)}`;

  // After the customer's change: the order as it is now.
  async function after(change) {
    await change();
    data = await load(params.id);
    draw();
    poll();
  }

  function draw() {
    drawn += 1;
    const { order, payment, tracking } = data;
    title("Your order");
    const actions = [];
    if (CANCELLABLE.has(order.status)) {
      actions.push(
        action("Cancel this order", "Cancel the order", "Why (optional)", false, (reason) =>
          after(() => api("POST", `${path}/cancel`, { body: reason ? { reason } : {} })),
        ),
      );
    }
    if (order.status === "delivered") {
      actions.push(
        action("Send it back", "Send the order back", "Why does it go back?", true, (reason) =>
          after(() => api("POST", `${path}/return`, { body: { reason } })),
        ),
      );
    }
    mount(
      main,
      h("p", {}, h("a", { href: "/orders" }, "← Your orders")),
      h("h1", {}, "Your order ", badge(order.status)),
      h("p", { class: "muted" }, `Placed on ${date(order.placed_at, true)} · Order number ${order.order_id}`),
      state(data, navigate),
      h(
        "div",
        { class: "split wide" },
        h(
          "section",
          { class: "panel store-panel", "aria-labelledby": "items-heading" },
          h("h2", { id: "items-heading" }, "Items"),
          lines(order),
          h("p", { class: "order-total" }, "Total: ", h("span", { class: "price" }, money(order.total))),
          order.refunded ? h("p", {}, `Refunded: ${money(order.refunded)}`) : null,
          actions.length ? h("div", { class: "actions" }, actions) : null,
        ),
        h(
          "div",
          {},
          h(
            "section",
            { class: "panel store-panel", "aria-labelledby": "tracking-heading" },
            h("h2", { id: "tracking-heading" }, "Tracking"),
            trackingPanel(tracking),
          ),
          h(
            "section",
            { class: "panel store-panel", "aria-labelledby": "payment-heading" },
            h("h2", { id: "payment-heading" }, "Payment"),
            paymentPanel(payment),
          ),
          h(
            "section",
            { class: "panel store-panel", "aria-labelledby": "address-heading" },
            h("h2", { id: "address-heading" }, "Delivery address"),
            addressBlock(order.address),
          ),
          h(
            "section",
            { class: "panel store-panel", "aria-labelledby": "history-heading" },
            h("h2", { id: "history-heading" }, "Order history"),
            h(
              "ol",
              { class: "history" },
              order.history.map((change) => h("li", {}, `${label(change.status)} · ${date(change.at, true)}`)),
            ),
          ),
        ),
      ),
    );
  }

  // Ask again while the order changes by itself; stop when the page is left or redrawn by a change.
  async function poll() {
    const mine = drawn;
    for (let i = 0; i < POLLS && changing(data); i += 1) {
      await wait(POLL_MS);
      if (stale() || drawn !== mine) return;
      let fresh;
      try {
        fresh = await load(params.id);
      } catch (error) {
        continue; // a blip: try again next time
      }
      if (stale() || drawn !== mine) return;
      const before = JSON.stringify([data.order.updated_at, data.payment && data.payment.updated_at, data.tracking]);
      data = fresh;
      if (before !== JSON.stringify([data.order.updated_at, data.payment && data.payment.updated_at, data.tracking])) {
        draw();
        return poll();
      }
    }
    return undefined;
  }

  draw();
  poll();
}
