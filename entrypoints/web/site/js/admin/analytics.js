// Business figures (/admin/analytics): GMV and orders per day as a bar chart, the conversion funnel, the
// top products and the searches that found nothing, for a period (the 30 days to today by default).
import { api } from "../api.js";
import { h, svg } from "../dom.js";
import { facts, money, table } from "../ui.js";
import { emptyNote, page } from "./common.js";

const PATH = "/admin/analytics";
const STEPS = { viewed: "Viewed a product", added_to_cart: "Added to cart", checked_out: "Checked out", paid: "Paid" };
const percent = (share) => `${(share * 100).toFixed(1)} %`;

export default async function analytics({ main, query }) {
  const period = { start: query.get("start") || undefined, end: query.get("end") || undefined };
  const [sales, funnel, top, searches] = await Promise.all([
    api("GET", "/admin/analytics/sales", { query: period }),
    api("GET", "/admin/analytics/funnel", { query: period }),
    api("GET", "/admin/analytics/top-products", { query: period }),
    api("GET", "/admin/analytics/searches-without-results", { query: { ...period, limit: 10 } }),
  ]);
  page(
    main,
    { tab: PATH, heading: "Analytics", intro: `From ${sales.start} to ${sales.end} (UTC days), in ${sales.currency}.` },
    facts([
      ["GMV", money(sales.gmv)],
      ["Orders paid", String(sales.orders)],
      ["Average order", money(sales.average_order_value)],
      ["Refunds", `${sales.refunds.refunds} (${money(sales.refunds.amount)})`],
      ["Payment failures", `${sales.payments.failed} of ${sales.payments.attempts} (${percent(sales.payments.failure_rate)})`],
    ]),
    h("h2", {}, "GMV per day"),
    gmvChart(sales.days),
    h("h2", {}, "Conversion funnel"),
    funnelChart(funnel.steps),
    h("h2", {}, "Top products"),
    top.products.length
      ? table(
          top.products,
          [
            ["Product", (p) => h("a", { href: `/products/${encodeURIComponent(p.product_id)}` }, p.title)],
            ["Units", (p) => String(p.units)],
            ["Revenue", (p) => money(p.revenue)],
          ],
          "Top products by revenue",
        )
      : emptyNote("Nothing was sold in this period."),
    h("h2", {}, "Searches that found nothing"),
    searches.searches.length
      ? table(
          searches.searches,
          [
            ["Search", (s) => s.query],
            ["Times", (s) => String(s.searches)],
          ],
          "Searches without results",
        )
      : emptyNote("Every search found something."),
  );
}

// One bar per day, as tall as its GMV; each bar's title says its day, GMV and orders.
function gmvChart(days) {
  const width = 720;
  const height = 220;
  const top = Math.max(1, ...days.map((d) => d.gmv.amount));
  const step = width / Math.max(1, days.length);
  const total = days.reduce((sum, d) => sum + d.gmv.amount, 0);
  const currency = days.length ? days[0].gmv.currency : "EUR";
  return h(
    "figure",
    { class: "chart" },
    svg(
      "svg",
      {
        viewBox: `0 0 ${width} ${height + 24}`,
        role: "img",
        "aria-label": `GMV per day: ${money({ amount: total, currency })} in all over ${days.length} days`,
        class: "chart-svg",
        "data-chart": "gmv",
      },
      svg("line", { x1: 0, y1: height, x2: width, y2: height, class: "chart-axis" }),
      days.map((d, i) => {
        const barHeight = Math.round((d.gmv.amount / top) * (height - 10));
        return svg(
          "rect",
          {
            x: (i * step + step * 0.15).toFixed(1),
            y: height - barHeight,
            width: (step * 0.7).toFixed(1),
            height: barHeight,
            class: "chart-bar",
            "data-day": d.day,
          },
          svg("title", {}, `${d.day}: ${money(d.gmv)} in ${d.orders} orders`),
        );
      }),
      days.length
        ? [
            svg("text", { x: 0, y: height + 18, class: "chart-label" }, days[0].day),
            svg("text", { x: width, y: height + 18, class: "chart-label chart-label-end" }, days[days.length - 1].day),
          ]
        : null,
    ),
    h("figcaption", { class: "muted" }, "GMV of the orders paid, on the day they were paid."),
  );
}

// The funnel's steps as bars as long as their share of the shoppers who viewed a product.
function funnelChart(steps) {
  const width = 720;
  const row = 36;
  return h(
    "figure",
    { class: "chart" },
    svg(
      "svg",
      {
        viewBox: `0 0 ${width} ${row * steps.length}`,
        role: "img",
        "aria-label": steps.map((s) => `${STEPS[s.step]}: ${s.shoppers}`).join(", "),
        class: "chart-svg",
        "data-chart": "funnel",
      },
      steps.map((s, i) =>
        svg(
          "g",
          {},
          svg("rect", {
            x: 200,
            y: i * row + 6,
            width: Math.max(2, Math.round(s.overall * (width - 320))),
            height: row - 12,
            class: "chart-bar",
            "data-step": s.step,
          }),
          svg("text", { x: 0, y: i * row + row / 2 + 5, class: "chart-label" }, STEPS[s.step]),
          svg(
            "text",
            { x: width, y: i * row + row / 2 + 5, class: "chart-label chart-label-end" },
            `${s.shoppers}${i ? ` (${percent(s.conversion)})` : ""}`,
          ),
        ),
      ),
    ),
    h("figcaption", { class: "muted" }, "Shoppers at each step within a day of their view; in brackets, of the step before."),
  );
}
