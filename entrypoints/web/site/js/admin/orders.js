// Every order (/admin/orders), newest first, by status: who bought what, where it goes, and its checkout
// saga (a checkout saga's id is its order's id).
import { api } from "../api.js";
import { h } from "../dom.js";
import { ORDER_STATUSES, addressLines, badge, chosen, cursorPager, date, filters, label, money, table } from "../ui.js";
import { emptyNote, listQuery, page, shortId } from "./common.js";

const PATH = "/admin/orders";

function lines(order) {
  return h(
    "ul",
    { class: "bo-plain" },
    order.lines.map((line) =>
      h("li", {}, `${line.quantity} × `, line.title, h("span", { class: "muted" }, ` ${money(line.line_total)}`)),
    ),
  );
}

function note(order) {
  if (order.cancel_reason) return `Cancelled by ${order.cancelled_by || "?"}: ${order.cancel_reason}`;
  if (order.return_refusal) return `Return refused: ${order.return_refusal}`;
  if (order.return_reason) return `Return: ${order.return_reason}`;
  if (order.refunded) return `Refunded ${money(order.refunded)}`;
  return "";
}

export default async function orders({ main, query }) {
  const status = chosen(query, "status", ORDER_STATUSES);
  const found = await api("GET", "/admin/orders", { query: listQuery(query, { status }) });
  page(
    main,
    { tab: PATH, heading: "Orders", intro: "Every order, newest first." },
    filters("status", "Status", PATH, query, [["", "All"], ...ORDER_STATUSES.map((s) => [s, label(s)])]),
    found.items.length
      ? table(
          found.items,
          [
            ["Order", (o) => [shortId(o.order_id), h("br"), h("span", { class: "muted" }, date(o.placed_at, true))]],
            ["Status", (o) => [badge(o.status), note(o) ? h("p", { class: "muted bo-small" }, note(o)) : null]],
            ["Items", lines],
            ["Total", (o) => money(o.total)],
            ["Ships to", (o) => addressLines(o.address).join(", ")],
            [
              "Customer",
              (o) => h("a", { href: `/admin/users?user=${encodeURIComponent(o.customer_id)}` }, shortId(o.customer_id)),
            ],
            ["Saga", (o) => h("a", { href: `/admin/sagas/${encodeURIComponent(o.order_id)}` }, "Checkout saga")],
          ],
          status ? `${label(status)} orders` : "Orders",
        )
      : emptyNote("No such orders."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
