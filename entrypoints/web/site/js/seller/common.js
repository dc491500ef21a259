// What the seller console's pages share: the tabs, the product statuses, prices typed as text and a button
// that asks "are you sure?" in the page (never in a dialog).
import { h, mount } from "../dom.js";
import { badge, busy, consoleNav, errorBox, label } from "../ui.js";

const TABS = [
  ["/seller", "Overview"],
  ["/seller/profile", "Profile"],
  ["/seller/products", "Products"],
  ["/seller/orders", "Orders"],
  ["/seller/reviews", "Reviews"],
];

// A console page: the tabs (the current one is the section `path` is in), the heading (a text, or the page's
// own h1), then the page's own parts.
export function consolePage(main, path, heading, ...children) {
  const [current] = TABS.filter(([href]) => path === href || path.startsWith(`${href}/`)).pop() || [];
  const tabs = consoleNav("Seller console", TABS, current);
  return mount(main, tabs, heading instanceof Node ? heading : h("h1", {}, heading), children);
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

export function statusHelp(status) {
  return statusInfo(status)[2];
}

// A product's status as a badge, in the console's words ("Pending review").
export function productBadge(status) {
  return badge(status, statusInfo(status)[1]);
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
