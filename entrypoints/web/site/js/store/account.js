// The customer's account: the profile, the address book, the password, the live sessions (and "log out
// everywhere"), the reviews they wrote, and deleting the account (confirmed in the page).
import { api, logOut, session } from "../api.js";
import { h, mount, values } from "../dom.js";
import { addressBlock, badge, busy, date, errorBox, field, submitting, title, toast } from "../ui.js";
import { addressForm } from "./common.js";

function section(id, heading, ...children) {
  return h(
    "section",
    { class: "panel store-panel", id, "aria-labelledby": `${id}-heading` },
    h("h2", { id: `${id}-heading` }, heading),
    children,
  );
}

// The session is over (logged out everywhere, the account deleted): forget it here too and go home.
async function leave(navigate, message) {
  await logOut().catch(() => undefined);
  window.dispatchEvent(new Event("session-changed"));
  toast(message);
  navigate("/");
}

function profileForm(profile) {
  const form = h(
    "form",
    { class: "form bare", novalidate: true },
    field("Display name", { name: "display_name", value: profile.display_name, autocomplete: "name", maxlength: 80 }),
    field("Phone (optional)", {
      name: "phone",
      type: "tel",
      value: profile.phone || "",
      autocomplete: "tel",
      maxlength: 32,
    }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save profile")),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const data = values(form, true);
      await api("PATCH", "/me/profile", { body: { display_name: data.display_name, phone: data.phone || null } });
      toast("Your profile is saved.");
    }),
  );
  return form;
}

function addressBook(initial) {
  const box = h("div", {});
  let items = initial;
  const reload = async () => {
    items = (await api("GET", "/me/addresses")).items;
    draw();
  };
  function item(a) {
    const li = h("li", { class: "address-item" });
    const status = h("div", {});
    const edit = h("button", { type: "button", class: "secondary" }, "Edit");
    edit.setAttribute("aria-label", `Edit the address of ${a.recipient}`);
    edit.addEventListener("click", () =>
      mount(li, addressForm({ address: a, submitText: "Save address", onSaved: reload, onCancel: draw })),
    );
    const makeDefault = h("button", { type: "button", class: "secondary" }, "Make default");
    makeDefault.addEventListener("click", () =>
      busy(makeDefault, async () => {
        try {
          await api("PATCH", `/me/addresses/${encodeURIComponent(a.address_id)}`, { body: { default: true } });
          await reload();
        } catch (error) {
          mount(status, errorBox(error));
        }
      }),
    );
    const remove = h("button", { type: "button", class: "danger" }, "Delete");
    remove.setAttribute("aria-label", `Delete the address of ${a.recipient}`);
    remove.addEventListener("click", () =>
      busy(remove, async () => {
        try {
          await api("DELETE", `/me/addresses/${encodeURIComponent(a.address_id)}`);
          toast("The address is deleted.");
          await reload();
        } catch (error) {
          mount(status, errorBox(error));
        }
      }),
    );
    return mount(
      li,
      h(
        "p",
        {},
        a.label ? h("strong", {}, a.label, " ") : null,
        a.is_default ? h("span", { class: "badge" }, "Default") : null,
      ),
      addressBlock(a),
      h("div", { class: "actions" }, edit, a.is_default ? null : makeDefault, remove),
      status,
    );
  }
  function draw(adding = false) {
    mount(
      box,
      items.length
        ? h("ul", { class: "address-list" }, items.map(item))
        : h("p", { class: "muted" }, "No addresses yet."),
      adding
        ? [
            h("h3", {}, "New address"),
            addressForm({ submitText: "Add address", onSaved: reload, onCancel: () => draw(false) }),
          ]
        : h("button", { type: "button", class: "secondary", onclick: () => draw(true) }, "Add an address"),
    );
  }
  draw();
  return box;
}

function passwordForm() {
  const form = h(
    "form",
    { class: "form bare", novalidate: true },
    field("Current password", {
      name: "current_password",
      type: "password",
      autocomplete: "current-password",
      required: true,
    }),
    field("New password", {
      name: "new_password",
      type: "password",
      autocomplete: "new-password",
      required: true,
      minlength: 10,
      maxlength: 128,
    }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Change password")),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const data = new FormData(form);
      await api("POST", "/auth/password", {
        body: { current_password: data.get("current_password"), new_password: data.get("new_password") },
      });
      form.reset();
      toast("Your password is changed; your other sessions are logged out.");
    }),
  );
  return form;
}

function sessionList(sessions, navigate) {
  const everywhere = h("button", { type: "button", class: "secondary" }, "Log out everywhere");
  const status = h("div", {});
  everywhere.addEventListener("click", () =>
    busy(everywhere, async () => {
      try {
        await api("POST", "/auth/logout-all");
        await leave(navigate, "You are logged out on every device.");
      } catch (error) {
        mount(status, errorBox(error));
      }
    }),
  );
  return [
    h(
      "ul",
      { class: "session-list" },
      sessions.map((s) =>
        h(
          "li",
          {},
          h("strong", {}, s.user_agent || "Unknown browser"),
          s.current ? [" ", h("span", { class: "badge" }, "This browser")] : null,
          h("br"),
          h(
            "span",
            { class: "muted" },
            `${s.address || "unknown address"} · since ${date(s.created_at, true)} · until ${date(s.expires_at)}`,
          ),
        ),
      ),
    ),
    h("div", { class: "actions" }, everywhere),
    status,
  ];
}

function myReviews(page) {
  if (!page || !page.items.length) return h("p", { class: "muted" }, "You have not reviewed anything yet.");
  return h(
    "ul",
    { class: "my-reviews" },
    page.items.map((r) =>
      h(
        "li",
        { class: "review" },
        h("h3", {}, h("a", { href: `/products/${encodeURIComponent(r.product_id)}` }, r.title)),
        h("p", {}, `${r.rating} of 5 stars · `, badge(r.status), ` · ${date(r.updated_at)}`),
        r.rejection_reasons.length
          ? h("p", { class: "field-error" }, `Not published: ${r.rejection_reasons.join("; ")}`)
          : null,
      ),
    ),
  );
}

function deleteForm(navigate) {
  const button = h("button", { type: "submit", class: "danger", disabled: true }, "Delete my account");
  const understood = h("input", {
    type: "checkbox",
    name: "understood",
    onchange: (event) => {
      button.disabled = !event.target.checked;
    },
  });
  const form = h(
    "form",
    { class: "form bare", novalidate: true },
    h(
      "p",
      {},
      "Your profile, addresses, reviews and activity are deleted and you are logged out. This cannot be undone.",
    ),
    field("Your password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    h("label", { class: "check" }, understood, "I understand that my account is deleted for good"),
    h("div", { class: "actions" }, button),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      if (!understood.checked) return;
      await api("DELETE", "/me", { body: { password: new FormData(form).get("password") } });
      await leave(navigate, "Your account is deleted.");
    }),
  );
  return form;
}

export default async function account({ main, navigate, stale }) {
  title("Your account");
  const [profile, book, sessions, reviews] = await Promise.all([
    api("GET", "/me/profile"),
    api("GET", "/me/addresses"),
    api("GET", "/auth/sessions"),
    api("GET", "/me/reviews", { query: { limit: 20 } }).catch(() => null),
  ]);
  if (stale()) return;
  mount(
    main,
    h("h1", {}, "Your account"),
    h("p", { class: "muted" }, `Logged in as ${session.me.email}`),
    h(
      "div",
      { class: "account-grid" },
      section("profile", "Profile", profileForm(profile)),
      section("addresses", "Addresses", addressBook(book.items)),
      section("password", "Password", passwordForm()),
      section("my-reviews", "Your reviews", myReviews(reviews)),
      section("sessions", "Where you are logged in", sessionList(sessions.items, navigate)),
      section("delete", "Delete your account", deleteForm(navigate)),
    ),
  );
}
