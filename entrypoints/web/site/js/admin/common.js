// What the back office's pages share: the tabs, filter chips, the cursor pager, status badges, ids, and the
// small "why" form the decisions that need a reason use.
import { session } from "../api.js";
import { h, mount } from "../dom.js";
import { date, field, label, pager, submitting, title } from "../ui.js";

// [path, text, who sees the tab]: a moderator (who is not an admin) sees only the moderation queue.
const TABS = [
  ["/admin", "Overview", "admin"],
  ["/admin/moderation", "Moderation", "moderator"],
  ["/admin/sellers", "Sellers", "admin"],
  ["/admin/users", "Users", "admin"],
  ["/admin/orders", "Orders", "admin"],
  ["/admin/payments", "Payments", "admin"],
  ["/admin/shipments", "Shipments", "admin"],
  ["/admin/sagas", "Sagas", "admin"],
];

export const isAdmin = () => session.has("admin");

export function tabs(active) {
  return h(
    "nav",
    { "aria-label": "Back office" },
    h(
      "ul",
      { class: "console-nav" },
      TABS.filter(([, , role]) => session.has(role)).map(([href, text]) =>
        h("li", {}, h("a", { href, "aria-current": href === active ? "page" : null }, text)),
      ),
    ),
  );
}

// The page: its tabs, its heading, then `content`.
export function page(main, { tab, heading, intro }, ...content) {
  title(heading);
  return mount(main, tabs(tab), h("h1", {}, heading), intro ? h("p", { class: "muted" }, intro) : null, ...content);
}

// `path` with the page's query changed: `changes` sets (or, with "" / null, drops) parameters.
export function href(path, query, changes = {}) {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  return text ? `${path}?${text}` : path;
}

// Links that filter the list by one parameter (`options`: [[value, text]], "" for all); a new filter starts
// from the first page.
export function filters(name, text, path, query, options) {
  const current = query.get(name) || "";
  return h(
    "nav",
    { class: "bo-filters", "aria-label": text },
    h("span", { class: "bo-filters-label", "aria-hidden": "true" }, `${text}:`),
    h(
      "ul",
      { class: "chips" },
      options.map(([value, shown]) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: href(path, query, { [name]: value, cursor: null, trail: null }),
              "aria-current": value === current ? "true" : null,
            },
            shown,
          ),
        ),
      ),
    ),
  );
}

// The value of the filter `name` from the page's query, if it is one of `allowed` (else none: a made-up
// link shows everything rather than a 422).
export function chosen(query, name, allowed) {
  const value = query.get(name) || "";
  return allowed.includes(value) ? value : "";
}

// Previous / next links over a cursor list. The page's URL keeps the cursors of the pages before this one
// (`trail`), so "Previous" goes back one page.
export function cursorPager(path, query, nextCursor) {
  const cursor = query.get("cursor") || "";
  const trail = (query.get("trail") || "").split(",").filter(Boolean);
  const at = (value, list) => href(path, query, { cursor: value, trail: list.join(",") });
  const previous = cursor ? at(trail[trail.length - 1] || "", trail.slice(0, -1)) : "";
  const next = nextCursor ? at(nextCursor, cursor ? [...trail, cursor] : []) : "";
  return pager(previous, next);
}

// The query of a list call: the filters the page's URL names, and its cursor.
export function listQuery(query, filtersNow, limit = 20) {
  return { ...filtersNow, limit, cursor: query.get("cursor") || undefined };
}

const TONES = {
  good: ["verified", "published", "approved", "delivered", "completed", "captured", "decided"],
  warn: ["pending", "open", "running", "authorizing", "capturing", "voiding", "refunding", "awaiting_payment"],
  bad: ["rejected", "suspended", "failed", "lost", "declined", "cancelled", "lost_refunded", "closed"],
};

export function badge(status) {
  const tone = Object.keys(TONES).find((key) => TONES[key].includes(status));
  return h("span", { class: ["badge", tone && `bo-${tone}`] }, label(status));
}

// A long id, shortened for a table; the whole id is read out and shown on hover.
export function shortId(id) {
  const text = String(id || "");
  if (text.length <= 12) return h("code", { class: "bo-code" }, text);
  return h("code", { class: "bo-code", title: text, "aria-label": text }, `${text.slice(0, 8)}…`);
}

// A definition list of [term, value] pairs (values left out when empty).
export function facts(pairs) {
  return h(
    "dl",
    { class: "bo-facts" },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

// A folded form asking why (a rejection, a suspension): `send(reason)` does it; `multi` asks for one
// reason a line (the moderation decisions take a list).
export function reasonForm({ summary, button, hint, send, multi = false, danger = true }) {
  const form = h(
    "form",
    { class: "bo-reason-form" },
    field(
      multi ? "Reasons (one a line; the author reads them)" : "Reason (the seller reads it)",
      {
        name: "reason",
        required: true,
        minlength: 3,
        maxlength: multi ? 3100 : 500,
        rows: 3,
      },
      "textarea",
    ),
    hint ? h("p", { class: "muted" }, hint) : null,
    h("div", { class: "actions" }, h("button", { type: "submit", class: danger ? "danger" : null }, button)),
  );
  form.addEventListener(
    "submit",
    submitting(async (f) => {
      const text = f.elements.reason.value.trim();
      const reasons = multi
        ? text
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
        : [text];
      await send(multi ? reasons : reasons[0]);
    }),
  );
  return h("details", { class: "bo-fold" }, h("summary", {}, summary), form);
}

export function emptyNote(text) {
  return h("p", { class: "muted" }, text);
}

export function address(a) {
  if (!a) return "";
  return [a.recipient, a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(" "), a.region, a.country]
    .filter(Boolean)
    .join(", ");
}

// A parcel's timeline, oldest first (the newest entry last).
export function parcelTimeline(entries) {
  if (!entries || !entries.length) return h("p", { class: "muted" }, "Nothing reported yet.");
  return h(
    "ol",
    { class: "timeline" },
    entries.map((e) =>
      h(
        "li",
        {},
        h("strong", {}, label(e.status)),
        e.location ? ` — ${e.location}` : "",
        h("br"),
        h("span", { class: "muted" }, date(e.at, true)),
      ),
    ),
  );
}
