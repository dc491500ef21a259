// A seller's public storefront: the name, description and rating, and the seller's products (the search,
// filtered by seller_id), a page at a time.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { cursorPager, date, grid, image, stars, title } from "../ui.js";

const PAGE_SIZE = 24;

export default async function seller({ main, params, query, path, stale }) {
  const id = encodeURIComponent(params.id);
  const [store, rating, products] = await Promise.all([
    api("GET", `/sellers/${id}`),
    api("GET", `/sellers/${id}/rating`).catch(() => null),
    api("GET", "/search/products", {
      query: { seller_id: params.id, sort: "newest", limit: PAGE_SIZE, cursor: query.get("cursor") || undefined },
    }),
  ]);
  if (stale()) return;
  title(store.display_name);
  const count = rating ? rating.count : store.review_count;
  const average = rating ? rating.average : store.rating;
  mount(
    main,
    h(
      "div",
      { class: "panel storefront" },
      store.logo_url
        ? h("div", { class: "logo" }, image(store.logo_url, `${store.display_name} logo`, 96, true))
        : null,
      h(
        "div",
        {},
        h("h1", {}, store.display_name),
        h("p", {}, stars(average, count), count ? ` ${Number(average).toFixed(1)} out of 5 over their products` : ""),
        h(
          "p",
          { class: "muted" },
          [
            store.country && `Ships from ${store.country}`,
            `Selling since ${date(store.member_since)}`,
            `${store.product_count} products`,
          ]
            .filter(Boolean)
            .join(" · "),
        ),
        store.description ? h("p", { class: "description" }, store.description) : null,
      ),
    ),
    h("h2", {}, "Products"),
    h("p", { class: "muted" }, products.total === 1 ? "1 product" : `${products.total} products`),
    grid(products.items, "This seller has no products for sale right now."),
    cursorPager(path, query, products.next_cursor),
  );
}
