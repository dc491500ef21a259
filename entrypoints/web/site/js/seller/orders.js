// The orders holding the seller's lines (only those lines: no customer data), newest first, and "Mark
// ready" for a paid order whose lines the seller has packed.
import { ApiError, api } from "../api.js";
import { h, mount } from "../dom.js";
import { badge, busy, chosen, cursorPager, date, errorBox, filters, money, table, title, toast } from "../ui.js";
import { consolePage } from "./common.js";

const FILTERS = [
  ["", "All"],
  ["paid", "Paid (to fulfil)"],
  ["shipped", "Shipped"],
  ["delivered", "Delivered"],
  ["return_requested", "Return requested"],
  ["refunded", "Refunded"],
  ["cancelled", "Cancelled"],
];
const STATUSES = FILTERS.map(([value]) => value);

function fulfilment(order) {
  if (order.ready_to_ship) return badge("ready", "Your lines are ready to ship");
  if (order.status === "paid") return badge("pending", "To fulfil");
  return null;
}

function orderPanel(order) {
  const panel = h("article", { class: "panel seller-card", "aria-labelledby": `order-${order.order_id}` });
  const draw = (view) => {
    const ready = h("button", { type: "button" }, "Mark ready to ship");
    const problem = h("div");
    ready.addEventListener("click", () =>
      busy(ready, async () => {
        problem.replaceChildren();
        try {
          draw(await api("POST", `/seller/orders/${encodeURIComponent(view.order_id)}/ready`));
          toast("Marked ready: the order ships once every seller of it is ready.");
          panel.querySelector("h2").focus();
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          mount(problem, errorBox(error));
        }
      }),
    );
    mount(
      panel,
      h("h2", { id: `order-${view.order_id}`, tabindex: "-1" }, `Order of ${date(view.placed_at, true)}`),
      h("p", { class: "muted" }, "Order number ", h("span", { class: "seller-order-number" }, view.order_id)),
      h("p", {}, badge(view.status), " ", fulfilment(view)),
      table(
        view.lines,
        [
          [
            "Product",
            (line) => h("a", { href: `/seller/products/${encodeURIComponent(line.product_id)}` }, line.title),
          ],
          ["Quantity", (line) => String(line.quantity)],
          ["Unit price", (line) => money(line.unit_price)],
          ["Total", (line) => money(line.line_total)],
          ["Ready", (line) => (line.ready_at ? date(line.ready_at, true) : "Not yet")],
        ],
        "Your lines",
      ),
      h("p", {}, "Your subtotal: ", h("strong", {}, money(view.subtotal))),
      view.paid_at ? h("p", { class: "muted" }, `Paid ${date(view.paid_at, true)}.`) : null,
      view.status === "paid" && !view.ready_to_ship ? h("div", { class: "actions" }, ready) : null,
      problem,
    );
  };
  draw(order);
  return panel;
}

export default async function orders({ main, path, query, stale }) {
  title("Orders");
  const status = chosen(query, "status", STATUSES);
  const page = await api("GET", "/seller/orders", { query: { status, limit: 20, cursor: query.get("cursor") } });
  if (stale()) return;
  consolePage(
    main,
    path,
    "Orders",
    h(
      "p",
      {},
      "Orders appear here once they are paid. Pack your lines, then mark them ready: the order ships once every ",
      "seller of it is ready.",
    ),
    filters("status", "Status", path, query, FILTERS),
    page.items.length
      ? page.items.map(orderPanel)
      : h("p", { class: "muted" }, status ? "No orders with this status." : "No orders yet."),
    cursorPager(path, query, page.next_cursor),
  );
}
