// The seller's product cards, newest first, filtered by status: each with its status, and the moderators'
// reasons for a rejected one.
import { api } from "../api.js";
import { h } from "../dom.js";
import { chosen, cursorPager, date, filters, money, table, title } from "../ui.js";
import { PRODUCT_STATUSES, consolePage, productBadge } from "./common.js";

const STATUSES = PRODUCT_STATUSES.map(([value]) => value);

function statusCell(product) {
  return [
    productBadge(product.status),
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
  const status = chosen(query, "status", STATUSES);
  const page = await api("GET", "/seller/products", { query: { status, limit: 20, cursor: query.get("cursor") } });
  if (stale()) return;
  const shown = status ? PRODUCT_STATUSES.find(([value]) => value === status)[1].toLowerCase() : "";
  consolePage(
    main,
    path,
    "Your products",
    h("div", { class: "actions" }, h("a", { class: "button", href: "/seller/products/new" }, "New product")),
    filters("status", "Status", path, query, [["", "All"], ...PRODUCT_STATUSES]),
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
