// The customer's orders, newest first, a page at a time, optionally of one status.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { ORDER_STATUSES, badge, chosen, cursorPager, date, label, money, title } from "../ui.js";

const PAGE_SIZE = 20;

function summaryOf(order) {
  const [first, ...rest] = order.lines;
  if (!first) return "";
  return rest.length ? `${first.title} and ${rest.length} more` : first.title;
}

export default async function orders({ main, query, path, navigate, stale }) {
  title("Your orders");
  const status = chosen(query, "status", ORDER_STATUSES);
  const page = await api("GET", "/orders", {
    query: { status: status || undefined, limit: PAGE_SIZE, cursor: query.get("cursor") || undefined },
  });
  if (stale()) return;
  const filter = h(
    "select",
    {
      id: "order-status",
      onchange: (event) => navigate(event.target.value ? `/orders?status=${event.target.value}` : "/orders"),
    },
    h("option", { value: "" }, "All orders"),
    ORDER_STATUSES.map((s) => h("option", { value: s, selected: s === status }, label(s))),
  );
  mount(
    main,
    h("h1", {}, "Your orders"),
    h("div", { class: "field sort-field" }, h("label", { for: "order-status" }, "Show"), filter),
    page.items.length
      ? h(
          "ul",
          { class: "order-list" },
          page.items.map((order) =>
            h(
              "li",
              { class: "panel order-item" },
              h(
                "a",
                { href: `/orders/${encodeURIComponent(order.order_id)}`, class: "order-link" },
                `Order of ${date(order.placed_at, true)}`,
              ),
              h("span", {}, badge(order.status)),
              h("span", { class: "price" }, money(order.total)),
              h("span", { class: "muted order-what" }, summaryOf(order)),
            ),
          ),
        )
      : h(
          "p",
          { class: "muted" },
          status ? `No ${label(status).toLowerCase()} orders.` : "You have not ordered anything yet.",
        ),
    cursorPager(path, query, page.next_cursor),
  );
}
