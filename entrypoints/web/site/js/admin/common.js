// What the back office's pages share: the tabs, the page, the list calls, ids, and the small "why" form the
// decisions that need a reason use.
import { session } from "../api.js";
import { h, mount } from "../dom.js";
import { consoleNav, field, submitting, title } from "../ui.js";

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
  ["/admin/analytics", "Analytics", "admin"],
];

export const isAdmin = () => session.has("admin");

// The page: its tabs (those of the account's roles), its heading, then `content`.
export function page(main, { tab, heading, intro }, ...content) {
  title(heading);
  const tabs = TABS.filter(([, , role]) => session.has(role));
  return mount(
    main,
    consoleNav("Back office", tabs, tab),
    h("h1", {}, heading),
    intro ? h("p", { class: "muted" }, intro) : null,
    ...content,
  );
}

// The query of a list call: the filters the page's URL names, and its cursor.
export function listQuery(query, filtersNow, limit = 20) {
  return { ...filtersNow, limit, cursor: query.get("cursor") || undefined };
}

// A long id, shortened for a table; the whole id is read out and shown on hover.
export function shortId(id) {
  const text = String(id || "");
  if (text.length <= 12) return h("code", { class: "bo-code" }, text);
  return h("code", { class: "bo-code", title: text, "aria-label": text }, `${text.slice(0, 8)}…`);
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
