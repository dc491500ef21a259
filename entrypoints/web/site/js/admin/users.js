// Accounts (/admin/users): the list, and one account (?user=<id>) with its roles to set.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { cursorPager, date, facts, href, submitting, table, toast } from "../ui.js";
import { emptyNote, page } from "./common.js";

const PATH = "/admin/users";
const ROLES = [
  ["customer", "Customer", "Every account keeps it."],
  ["seller", "Seller", "Normally given by verifying a seller application."],
  ["carrier", "Carrier", "Reports the progress of the parcels handed to it."],
  ["moderator", "Moderator", "Works the moderation queue."],
  ["admin", "Admin", "Everything in the back office (and every other role)."],
];

// In the order of ROLES (the API sorts them by name).
function rolesText(roles) {
  return ROLES.filter(([role]) => roles.includes(role))
    .map(([, text]) => text)
    .join(", ");
}

function rolesForm(account, redraw) {
  const form = h(
    "form",
    { class: "form bo-roles-form" },
    h(
      "fieldset",
      {},
      h("legend", {}, "Roles"),
      ROLES.map(([role, text, hint]) => {
        const id = `role-${role}`;
        return h(
          "div",
          { class: "check" },
          h("input", {
            type: "checkbox",
            id,
            name: "roles",
            value: role,
            checked: role === "customer" || account.roles.includes(role),
            disabled: role === "customer",
            "aria-describedby": `${id}-hint`,
          }),
          h("label", { for: id }, text),
          h("span", { class: "muted bo-role-hint", id: `${id}-hint` }, ` — ${hint}`),
        );
      }),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save the roles")),
  );
  form.addEventListener(
    "submit",
    submitting(async (f) => {
      const roles = [
        "customer",
        ...[...f.querySelectorAll("input[name=roles]:checked:not(:disabled)")].map((i) => i.value),
      ];
      const path = `/admin/users/${encodeURIComponent(account.user_id)}/roles`;
      const updated = await api("PUT", path, { body: { roles } });
      toast(`${updated.email} now has the roles: ${rolesText(updated.roles)}.`);
      redraw(updated);
    }),
  );
  return form;
}

function accountView(account) {
  const box = h("section", { class: "panel bo-account", "aria-labelledby": "account-email" });
  const draw = (a) => {
    mount(
      box,
      h("h2", { id: "account-email" }, a.email),
      facts([
        ["User id", h("code", {}, a.user_id)],
        ["Roles", rolesText(a.roles)],
        ["Created", date(a.created_at, true)],
        ["Last login", a.last_login_at ? date(a.last_login_at, true) : "Never"],
      ]),
      rolesForm(a, draw),
    );
  };
  draw(account);
  return box;
}

function findForm(navigate) {
  const form = h(
    "form",
    { class: "bo-inline-form", role: "search", "aria-label": "Find an account" },
    h("label", { for: "user-id" }, "Find an account by its user id"),
    h("input", { id: "user-id", name: "user", required: true, maxlength: 64, autocomplete: "off" }),
    h("button", { type: "submit", class: "secondary" }, "Open"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(href(PATH, "", { user: form.elements.user.value.trim() }));
  });
  return form;
}

export default async function users({ main, query, navigate }) {
  const userId = query.get("user");
  if (userId) {
    const account = await api("GET", `/admin/users/${encodeURIComponent(userId)}`);
    page(
      main,
      { tab: PATH, heading: "Account" },
      h("p", {}, h("a", { href: PATH }, "← All accounts")),
      accountView(account),
    );
    return;
  }
  const found = await api("GET", "/admin/users", { query: { limit: 20, cursor: query.get("cursor") || undefined } });
  page(
    main,
    { tab: PATH, heading: "Users", intro: "Every account, in the order they were made." },
    findForm(navigate),
    found.items.length
      ? table(
          found.items,
          [
            ["Email", (a) => h("a", { href: href(PATH, "", { user: a.user_id }) }, a.email)],
            ["Roles", (a) => rolesText(a.roles)],
            ["Created", (a) => date(a.created_at)],
            ["Last login", (a) => (a.last_login_at ? date(a.last_login_at, true) : "Never")],
          ],
          "Accounts",
        )
      : emptyNote("No accounts."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
