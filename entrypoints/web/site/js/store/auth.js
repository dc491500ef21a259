// Log in (/login) and create an account (/register, then logged in at once). The guest's cart joins the
// account's at login (api.js sends its token); afterwards the page follows `next` if it is a path here.
import { api, logIn, session } from "../api.js";
import { h, mount, values } from "../dom.js";
import { field, submitting, title, toast } from "../ui.js";
import { safeNext } from "./common.js";

function done(navigate, next, message) {
  window.dispatchEvent(new Event("session-changed"));
  window.dispatchEvent(new Event("cart-changed"));
  toast(message);
  navigate(next, { replace: true });
}

export default async function auth({ main, query, path, navigate }) {
  const registering = path.startsWith("/register");
  const next = safeNext(query.get("next"));
  const other = `${registering ? "/login" : "/register"}${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`;
  title(registering ? "Create an account" : "Log in");
  if (session.signedIn) {
    mount(
      main,
      h("h1", {}, "You are logged in"),
      h("p", {}, `As ${session.me.email}. `, h("a", { href: next }, "Continue")),
    );
    return;
  }
  const form = h(
    "form",
    { class: "form", novalidate: true },
    registering
      ? field("Your name", { name: "display_name", autocomplete: "name", required: true, maxlength: 80 })
      : null,
    field("Email", { name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254 }),
    field("Password", {
      name: "password",
      type: "password",
      autocomplete: registering ? "new-password" : "current-password",
      required: true,
      minlength: registering ? 10 : null,
      maxlength: registering ? 128 : 1024,
      "aria-describedby": registering ? "password-hint" : null,
    }),
    registering ? h("p", { id: "password-hint", class: "muted" }, "At least 10 characters.") : null,
    h("div", { class: "actions" }, h("button", { type: "submit" }, registering ? "Create account" : "Log in")),
  );
  let registered = null; // the email of the account an earlier try made (its login then failed)
  form.addEventListener(
    "submit",
    submitting(async () => {
      const data = values(form);
      const email = data.email || "";
      const password = new FormData(form).get("password") || ""; // as typed: spaces count
      if (registering && registered !== email) {
        await api("POST", "/auth/register", { body: { email, password, display_name: data.display_name || "" } });
        registered = email;
      }
      await logIn(email, password);
      done(navigate, next, registering ? "Welcome! Your account is ready." : "You are logged in.");
    }),
  );
  mount(
    main,
    h("h1", {}, registering ? "Create an account" : "Log in"),
    next === "/checkout"
      ? h("p", { class: "notice" }, "Log in or create an account to check out: your cart stays.")
      : null,
    form,
    h(
      "p",
      {},
      registering ? "Have an account? " : "New here? ",
      h("a", { href: other }, registering ? "Log in" : "Create an account"),
    ),
  );
}
