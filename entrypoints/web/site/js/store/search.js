// Search: the results of GET /search/products with its facets as filters. Every filter is in the page's URL
// (q, category, brand (repeated), min_price and max_price in major units, currency, in_stock, sort, and the
// cursor with its trail), so a result page can be shared and back/forward walk through the choices.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { cursorPager, grid, href, money, title } from "../ui.js";

const SORTS = [
  ["relevance", "Best match"],
  ["newest", "Newest"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
  ["rating", "Best rated"],
];
const PAGE_SIZE = 24;
const FILTERS = ["category", "brand", "min_price", "max_price", "currency", "in_stock"];

// "12.5" as 1250 minor units; "" or nonsense as undefined.
function minor(text) {
  const value = Number(text);
  return text && Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : undefined;
}

function major(amount) {
  return String(amount / 100);
}

function apiQuery(query) {
  const priced = query.get("min_price") || query.get("max_price");
  const sort = query.get("sort");
  return {
    q: query.get("q") || undefined,
    category_id: query.get("category") || undefined,
    brand: query.getAll("brand"),
    price_min: minor(query.get("min_price")),
    price_max: minor(query.get("max_price")),
    currency: priced ? query.get("currency") || "EUR" : undefined,
    in_stock: query.get("in_stock") === "true" ? "true" : undefined,
    sort: SORTS.some(([value]) => value === sort) ? sort : undefined,
    limit: PAGE_SIZE,
    cursor: query.get("cursor") || undefined,
  };
}

// The search URL with `changes` ({name: value | [values] | null}) applied; a new filter starts at page 1.
function linkWith(query, changes) {
  return href("/search", query, { ...changes, cursor: null, trail: null });
}

// The category tree as [{node, depth}], in tree order.
function flatten(nodes, depth = 0, out = []) {
  for (const node of nodes) {
    out.push({ node, depth });
    flatten(node.children || [], depth + 1, out);
  }
  return out;
}

function categoryFacet(query, tree, counts) {
  const current = query.get("category") || "";
  const shown = flatten(tree).filter(({ node }) => counts.has(node.id) || node.id === current);
  return h(
    "fieldset",
    { class: "facet" },
    h("legend", {}, "Category"),
    h(
      "ul",
      { class: "facet-list" },
      current ? h("li", {}, h("a", { href: linkWith(query, { category: null }) }, "Any category")) : null,
      shown.map(({ node, depth }) =>
        h(
          "li",
          { class: `depth-${Math.min(depth, 3)}` },
          h(
            "a",
            { href: linkWith(query, { category: node.id }), "aria-current": node.id === current ? "true" : null },
            node.name,
          ),
          h("span", { class: "muted" }, ` (${counts.get(node.id) || 0})`),
        ),
      ),
    ),
  );
}

function brandFacet(query, facets, navigate) {
  const chosen = new Set(query.getAll("brand"));
  const brands = [...facets.brand];
  for (const value of chosen) if (!brands.some((b) => b.value === value)) brands.push({ value, count: 0 });
  if (brands.length === 0) return null;
  return h(
    "fieldset",
    { class: "facet" },
    h("legend", {}, "Brand"),
    brands.map((brand) =>
      h(
        "label",
        { class: "check" },
        h("input", {
          type: "checkbox",
          name: "brand",
          value: brand.value,
          checked: chosen.has(brand.value),
          onchange: (event) => {
            const next = new Set(chosen);
            if (event.target.checked) next.add(brand.value);
            else next.delete(brand.value);
            navigate(linkWith(query, { brand: [...next] }));
          },
        }),
        brand.value,
        h("span", { class: "muted" }, ` (${brand.count})`),
      ),
    ),
  );
}

function priceFacet(query, facets, navigate) {
  const currency = facets.price_currency || query.get("currency") || "EUR";
  const min = query.get("min_price") || "";
  const max = query.get("max_price") || "";
  const range = (from, to) =>
    `${money({ amount: from, currency })}${to === null ? " and more" : ` to ${money({ amount: to, currency })}`}`;
  const bucketLink = (bucket) =>
    linkWith(query, {
      min_price: bucket.from ? major(bucket.from) : null,
      max_price: bucket.to === null ? null : major(bucket.to - 1),
      currency,
    });
  const form = h(
    "form",
    { class: "price-range" },
    h(
      "div",
      { class: "field-row" },
      h(
        "div",
        { class: "field" },
        h("label", { for: "min-price" }, `Min (${currency})`),
        h("input", {
          id: "min-price",
          name: "min_price",
          type: "number",
          min: 0,
          step: "0.01",
          value: min,
          inputmode: "decimal",
        }),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "max-price" }, `Max (${currency})`),
        h("input", {
          id: "max-price",
          name: "max_price",
          type: "number",
          min: 0,
          step: "0.01",
          value: max,
          inputmode: "decimal",
        }),
      ),
    ),
    h("button", { type: "submit", class: "secondary" }, "Apply price"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    navigate(linkWith(query, { min_price: data.get("min_price"), max_price: data.get("max_price"), currency }));
  });
  const buckets = facets.price.filter((bucket) => bucket.count > 0);
  return h(
    "fieldset",
    { class: "facet" },
    h("legend", {}, "Price"),
    h(
      "ul",
      { class: "facet-list" },
      min || max
        ? h(
            "li",
            {},
            h("a", { href: linkWith(query, { min_price: null, max_price: null, currency: null }) }, "Any price"),
          )
        : null,
      buckets.map((bucket) => {
        const link = bucketLink(bucket);
        const current = link === linkWith(query, {});
        return h(
          "li",
          {},
          h("a", { href: link, "aria-current": current ? "true" : null }, range(bucket.from, bucket.to)),
          h("span", { class: "muted" }, ` (${bucket.count})`),
        );
      }),
    ),
    form,
  );
}

function stockFacet(query, navigate) {
  return h(
    "fieldset",
    { class: "facet" },
    h("legend", {}, "Availability"),
    h(
      "label",
      { class: "check" },
      h("input", {
        type: "checkbox",
        name: "in_stock",
        checked: query.get("in_stock") === "true",
        onchange: (event) => navigate(linkWith(query, { in_stock: event.target.checked ? "true" : null })),
      }),
      "In stock only",
    ),
  );
}

function heading(query, names) {
  const q = query.get("q");
  const category = names.get(query.get("category"));
  if (q && category) return `“${q}” in ${category}`;
  if (q) return `Results for “${q}”`;
  return category || "All products";
}

// What to say when nothing matched; `unfiltered` is the same search without its filters, if it had any.
function noResults(q, unfiltered) {
  return h(
    "div",
    { class: "notice no-results" },
    h(
      "p",
      {},
      q ? `No results for “${q}”${unfiltered ? " with these filters" : ""}.` : "No products match these filters.",
    ),
    h("p", {}, unfiltered ? h("a", { href: unfiltered }, "Search without filters") : "Try other or fewer words."),
  );
}

export default async function search({ main, query, navigate, stale }) {
  const [categories, found] = await Promise.all([
    api("GET", "/categories"),
    api("GET", "/search/products", { query: apiQuery(query) }),
  ]);
  if (stale()) return;
  const names = new Map(flatten(categories.items).map(({ node }) => [node.id, node.name]));
  const counts = new Map(found.facets.category.map((c) => [c.id, c.count]));
  const text = heading(query, names);
  title(text);
  const q = query.get("q") || "";
  const filtered = FILTERS.some((name) => query.get(name));
  const sort = query.get("sort") || "relevance";
  const wide = window.matchMedia("(min-width: 720px)").matches;

  const sortSelect = h(
    "select",
    {
      id: "sort",
      name: "sort",
      onchange: (event) =>
        navigate(linkWith(query, { sort: event.target.value === "relevance" ? null : event.target.value })),
    },
    SORTS.map(([value, name]) => h("option", { value, selected: value === sort }, name)),
  );

  const unfiltered = linkWith(query, Object.fromEntries(FILTERS.map((name) => [name, null])));
  mount(
    main,
    h("h1", {}, text),
    h(
      "div",
      { class: "split" },
      h(
        "details",
        { class: "filters panel", open: wide || null },
        h("summary", {}, filtered ? "Filters (active)" : "Filters"),
        categoryFacet(query, categories.items, counts),
        brandFacet(query, found.facets, navigate),
        priceFacet(query, found.facets, navigate),
        stockFacet(query, navigate),
        filtered ? h("p", {}, h("a", { href: unfiltered }, "Clear all filters")) : null,
      ),
      h(
        "section",
        { class: "results", "aria-labelledby": "result-count" },
        h(
          "div",
          { class: "results-bar" },
          h("h2", { id: "result-count" }, found.total === 1 ? "1 result" : `${found.total} results`),
          h("div", { class: "field sort-field" }, h("label", { for: "sort" }, "Sort by"), sortSelect),
        ),
        found.items.length ? grid(found.items) : noResults(q, filtered && unfiltered),
        cursorPager("/search", query, found.next_cursor),
      ),
    ),
  );
}
