// Payments (/admin/payments), newest first, by status: an operation in flight shows its retries (status
// authorizing: the payment error worker retries them), a failed one why.
import { api } from "../api.js";
import { h } from "../dom.js";
import { badge, chosen, cursorPager, date, filters, label, money, table } from "../ui.js";
import { emptyNote, listQuery, page, shortId } from "./common.js";

const PATH = "/admin/payments";
const STATUSES = [
  "authorizing",
  "capturing",
  "voiding",
  "refunding",
  "authorized",
  "declined",
  "failed",
  "captured",
  "voided",
  "refunded",
];

function amounts(p) {
  return [
    money(p.amount),
    p.captured ? h("p", { class: "muted bo-small" }, `captured ${money(p.captured)}`) : null,
    p.refunded ? h("p", { class: "muted bo-small" }, `refunded ${money(p.refunded)}`) : null,
  ];
}

function retries(p) {
  if (!p.attempts && !p.last_error && !p.failure) return "";
  return [
    p.attempts ? `${p.attempts} attempt${p.attempts === 1 ? "" : "s"}` : "",
    p.next_attempt_at ? h("p", { class: "bo-small" }, `next ${date(p.next_attempt_at, true)}`) : null,
    p.last_error ? h("p", { class: "muted bo-small" }, p.last_error) : null,
    p.failure ? h("p", { class: "bo-small bo-failure" }, p.failure) : null,
  ];
}

export default async function payments({ main, query }) {
  const status = chosen(query, "status", STATUSES);
  const found = await api("GET", "/admin/payments", { query: listQuery(query, { status }) });
  page(
    main,
    { tab: PATH, heading: "Payments", intro: "Payments, newest first, with the retries of an operation in flight." },
    filters("status", "Status", PATH, query, [["", "All"], ...STATUSES.map((s) => [s, label(s)])]),
    found.items.length
      ? table(
          found.items,
          [
            [
              "Payment",
              (p) => [shortId(p.payment_id), h("br"), h("span", { class: "muted" }, date(p.created_at, true))],
            ],
            ["Status", (p) => badge(p.status)],
            ["Amount", amounts],
            ["Retries", retries],
            [
              "Order",
              (p) =>
                h(
                  "a",
                  { href: `/admin/sagas/${encodeURIComponent(p.order_id)}`, title: "The order's checkout saga" },
                  shortId(p.order_id),
                ),
            ],
            ["Updated", (p) => date(p.updated_at, true)],
          ],
          status ? `${label(status)} payments` : "Payments",
        )
      : emptyNote("No such payments."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
