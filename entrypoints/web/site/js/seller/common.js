// What the seller console's pages share: the tabs, the product statuses, prices typed as text, a cursor
// pager and a button that asks "are you sure?" in the page (never in a dialog).
import { h, mount } from "../dom.js";
import { busy, errorBox, label } from "../ui.js";

const TABS = [
  ["/seller", "Overview"],
  ["/seller/profile", "Profile"],
  ["/seller/products", "Products"],
  ["/seller/orders", "Orders"],
  ["/seller/reviews", "Reviews"],
];

// The console's tabs; the one whose section `path` is in is the current page.
export function consoleNav(path) {
  const current = TABS.filter(([href]) => path === href || path.startsWith(`${href}/`)).pop();
  return h(
    "nav",
    { "aria-label": "Seller console" },
    h(
      "ul",
      { class: "console-nav" },
      TABS.map(([href, text]) =>
        h("li", {}, h("a", { href, "aria-current": current && current[0] === href ? "page" : null }, text)),
      ),
    ),
  );
}

// A console page: the tabs, the heading (a text, or the page's own h1), then the page's own parts.
export function consolePage(main, path, heading, ...children) {
  return mount(main, consoleNav(path), heading instanceof Node ? heading : h("h1", {}, heading), children);
}

export const PRODUCT_STATUSES = [
  ["draft", "Draft", "Not submitted yet: customers do not see it. Submit it for review when it is ready."],
  ["pending_moderation", "Pending review", "Waiting for moderation: it is published once a moderator approves it."],
  ["published", "Published", "Customers can find and buy it."],
  ["rejected", "Rejected", "Moderation refused this revision: change what the reasons name and submit it again."],
  ["archived", "Archived", "Withdrawn for good: customers no longer see it and it cannot be changed."],
];

function statusInfo(status) {
  return PRODUCT_STATUSES.find(([value]) => value === status) || [status, label(status), ""];
}

function statusText(status) {
  return statusInfo(status)[1];
}

export function statusHelp(status) {
  return statusInfo(status)[2];
}

// A status as a coloured badge (the colour is a hint only: the word is always there).
export function badge(status, text) {
  return h("span", { class: ["badge", `seller-${status}`] }, text || statusText(status) || label(status));
}

// The digits after the decimal point of each currency the shop takes (core/shared/money.py).
// prettier-ignore
export const CURRENCIES = {
  AED: 2, AUD: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 2, ILS: 2, INR: 2,
  JPY: 0, KRW: 0, KWD: 3, KZT: 2, MXN: 2, NOK: 2, NZD: 2, PLN: 2, RUB: 2, SAR: 2, SEK: 2, SGD: 2, TRY: 2, UAH: 2,
  USD: 2, ZAR: 2,
};

// "24.99" in EUR as 2499 minor units; NaN when the text is not an amount with at most the currency's digits.
export function toMinor(text, currency) {
  const digits = CURRENCIES[currency] ?? 2;
  const found = /^(\d+)(?:[.,](\d*))?$/.exec(String(text).trim());
  if (!found || (found[2] || "").length > digits) return NaN;
  return Number(found[1] + (found[2] || "").padEnd(digits, "0"));
}

// 2499 minor units of EUR as "24.99" (for an input: no currency sign, no grouping).
export function fromMinor(price) {
  if (!price) return "";
  const digits = CURRENCIES[price.currency] ?? 2;
  if (digits === 0) return String(price.amount);
  const text = String(price.amount).padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

// "First page" and "Next page" links for a cursor list: `query` is the page's URLSearchParams.
export function cursorPager(path, query, nextCursor) {
  const first = new URLSearchParams(query);
  first.delete("cursor");
  const next = new URLSearchParams(first);
  if (nextCursor) next.set("cursor", nextCursor);
  const href = (params) => (params.toString() ? `${path}?${params}` : path);
  if (!query.get("cursor") && !nextCursor) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    query.get("cursor") ? h("a", { href: href(first) }, "← First page") : null,
    nextCursor ? h("a", { href: href(next), rel: "next" }, "Next page →") : null,
  );
}

// A button that asks in place before `action` runs: "Archive" becomes the question, "Yes, archive" and
// "Cancel". An error of the action shows beside the buttons.
export function confirmButton(text, question, yes, action) {
  const box = h("span", { class: "seller-confirm" });
  const idle = () => {
    mount(box, h("button", { type: "button", class: "secondary", onclick: ask }, text));
  };
  const ask = () => {
    const sure = h("button", { type: "button", class: "danger" }, yes);
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    sure.addEventListener("click", () =>
      busy(sure, action).catch((error) => {
        for (const old of box.querySelectorAll(".error")) old.remove();
        box.append(errorBox(error));
      }),
    );
    cancel.addEventListener("click", () => {
      idle();
      box.querySelector("button").focus();
    });
    mount(box, h("span", { class: "seller-confirm-question" }, question), sure, cancel);
    sure.focus();
  };
  idle();
  return box;
}
