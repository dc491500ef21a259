// What several pages show: prices, dates, product cards, stars, errors, forms, busy buttons, a toast.
import { h, mount } from "./dom.js";

const moneyFormats = new Map();

// {amount: 9799, currency: "EUR"} (minor units) as "€97.99".
export function money(price) {
  if (!price) return "";
  const currency = price.currency || "EUR";
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat(undefined, { style: "currency", currency }));
  }
  return moneyFormats.get(currency).format(price.amount / 100);
}

export function date(value, withTime = false) {
  if (!value) return "";
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(undefined, options).format(new Date(value));
}

// "open_for_payment" as "Open for payment".
export function label(value) {
  const text = String(value || "").replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function title(text) {
  document.title = text ? `${text} · Marketplace` : "Marketplace";
}

export function stars(rating, count) {
  const value = Number(rating || 0);
  const filled = Math.round(value);
  const text = count ? `${value.toFixed(1)} out of 5 stars, ${count} review${count === 1 ? "" : "s"}` : "No reviews yet";
  return h(
    "span",
    { class: "stars", role: "img", "aria-label": text, title: text },
    h("span", { "aria-hidden": "true" }, "★".repeat(filled) + "☆".repeat(5 - filled)),
    count ? h("span", { class: "muted", "aria-hidden": "true" }, ` (${count})`) : null,
  );
}

export function image(url, alt, size = 160, eager = false) {
  if (!url) return h("div", { class: "noimage", role: "img", "aria-label": alt || "No image" });
  return h("img", {
    src: url,
    alt: alt || "",
    width: size,
    height: size,
    loading: eager ? "eager" : "lazy",
    decoding: "async",
    fetchpriority: eager ? "high" : null,
  });
}

// A product as a card in a grid: search results, recommendations, "customers also bought".
// `item` is a search hit, a catalogue card or a recommendation (they name the id differently).
export function productCard(item, index = 0) {
  const id = item.id || item.product_id;
  return h(
    "li",
    { class: "card" },
    h(
      "a",
      { href: `/products/${encodeURIComponent(id)}`, class: "card-link" },
      image(item.image_url, "", 160, index < 2),
      h("span", { class: "card-title" }, item.title),
    ),
    h("span", { class: "price" }, money(item.price)),
    item.review_count !== undefined ? stars(item.rating, item.review_count) : null,
    item.in_stock === false ? h("span", { class: "badge" }, "Out of stock") : null,
  );
}

export function grid(items, emptyText = "Nothing here yet.") {
  if (!items || items.length === 0) return h("p", { class: "muted" }, emptyText);
  return h("ul", { class: "grid" }, items.map((item, i) => productCard(item, i)));
}

// An API error as the user should read it: the detail, and each field's message.
export function errorBox(error) {
  const fields = (error && error.errors) || [];
  return h(
    "div",
    { class: "error", role: "alert" },
    h("p", {}, error ? error.message : "Something went wrong."),
    fields.length ? h("ul", {}, fields.map((e) => h("li", {}, `${e.field}: ${e.message}`))) : null,
  );
}

// Show `error` in the form: the summary at the top, each named field marked invalid with its message.
export function showErrors(form, error) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const old of form.querySelectorAll("[aria-invalid]")) old.removeAttribute("aria-invalid");
  let box = form.querySelector(".form-error");
  if (!box) {
    box = h("div", { class: "form-error" });
    form.prepend(box);
  }
  if (!error) {
    box.replaceChildren();
    return;
  }
  mount(box, errorBox(error));
  for (const e of error.errors || []) {
    const name = e.field.split(".").pop();
    const input = form.elements.namedItem(name);
    if (input && input.setAttribute) {
      const id = `${input.id || name}-error`;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      input.after(h("span", { class: "field-error", id }, e.message));
    }
  }
  box.scrollIntoView({ block: "nearest" });
}

let fieldIds = 0;

// A labelled form field: field("Email", {name: "email", type: "email", required: true}).
export function field(text, props = {}, tag = "input") {
  const id = props.id || `f${++fieldIds}`;
  const control =
    tag === "select"
      ? h("select", { ...props, id, options: null }, (props.options || []).map(([v, t]) => h("option", { value: v }, t)))
      : h(tag, { ...props, id });
  if (tag === "select" && props.value !== undefined) control.value = props.value;
  return h("div", { class: "field" }, h("label", { for: id }, text), control);
}

// Run `action` with `button` disabled: a second press while it runs does nothing.
export async function busy(button, action) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// `onSubmit` for a form: prevents the page load, disables the submit button while `action(form)` runs,
// and shows an API error in the form.
export function submitting(action) {
  return async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const button = event.submitter || form.querySelector("[type=submit]");
    showErrors(form, null);
    try {
      await busy(button, () => action(form));
    } catch (error) {
      if (!error.status && error.status !== 0) throw error;
      showErrors(form, error);
    }
  };
}

let toastTimer = 0;

export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.add("shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("shown"), 4000);
}

// "Page 2 of 5" links for a cursor or an offset list: `next` is the URL of the next page, or empty.
export function pager(previous, next) {
  if (!previous && !next) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    previous ? h("a", { href: previous, rel: "prev" }, "← Previous") : null,
    next ? h("a", { href: next, rel: "next" }, "Next →") : null,
  );
}

// A table: columns as [header, row => cell] pairs.
export function table(rows, columns, caption) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, columns.map(([header]) => h("th", { scope: "col" }, header)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(row)))))),
    ),
  );
}

// A page for someone who must log in first (or lacks the role).
export function needsLogin(main, path, role) {
  const next = encodeURIComponent(path);
  return mount(
    main,
    h("h1", {}, role ? "Not for this account" : "Please log in"),
    h(
      "p",
      {},
      role ? `This page is for accounts with the ${role} role. ` : "This page is for signed-in customers. ",
      h("a", { href: `/login?next=${next}` }, "Log in"),
      role ? null : [" or ", h("a", { href: `/register?next=${next}` }, "create an account"), "."],
    ),
  );
}
