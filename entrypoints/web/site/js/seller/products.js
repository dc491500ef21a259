// The seller's product cards, newest first, filtered by status: each with its status, and the moderators'
// reasons for a rejected one.
import { api } from "../api.js";
import { h } from "../dom.js";
import { date, money, table, title } from "../ui.js";
import { PRODUCT_STATUSES, badge, consolePage, cursorPager } from "./common.js";

function filters(path, current) {
  const choices = [["", "All"], ...PRODUCT_STATUSES.map(([value, text]) => [value, text])];
  return h(
    "nav",
    { class: "seller-filters", "aria-label": "Filter by status" },
    h(
      "ul",
      { class: "chips" },
      choices.map(([value, text]) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: value ? `${path}?status=${value}` : path, "aria-current": value === current ? "page" : null },
            text,
          ),
        ),
      ),
    ),
  );
}

function statusCell(product) {
  return [
    badge(product.status),
    product.status === "rejected" && product.rejection_reasons.length
      ? h(
          "ul",
          { class: "seller-reasons" },
          product.rejection_reasons.map((reason) => h("li", {}, reason)),
        )
      : null,
    product.published_revision && !["published", "archived"].includes(product.status)
      ? h("p", { class: "muted" }, `Revision ${product.published_revision} stays on sale until this one is approved.`)
      : null,
  ];
}

export default async function products({ main, path, query, stale }) {
  title("Your products");
  const known = PRODUCT_STATUSES.some(([value]) => value === query.get("status"));
  const status = known ? query.get("status") : "";
  const page = await api("GET", "/seller/products", { query: { status, limit: 20, cursor: query.get("cursor") } });
  if (stale()) return;
  const shown = status ? PRODUCT_STATUSES.find(([value]) => value === status)[1].toLowerCase() : "";
  consolePage(
    main,
    path,
    "Your products",
    h("div", { class: "actions" }, h("a", { class: "button", href: "/seller/products/new" }, "New product")),
    filters(path, status),
    page.items.length === 0
      ? h("p", { class: "muted" }, shown ? `You have no ${shown} products.` : "You have no products yet.")
      : table(
          page.items,
          [
            ["Product", (p) => h("a", { href: `/seller/products/${encodeURIComponent(p.id)}` }, p.title)],
            ["SKU", (p) => p.sku],
            ["Price", (p) => money(p.price)],
            ["Status", statusCell],
            ["Changed", (p) => date(p.updated_at)],
          ],
          shown ? `Products: ${shown}` : "All products",
        ),
    cursorPager(path, query, page.next_cursor),
  );
}
