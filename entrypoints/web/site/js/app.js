// The client's start: restore the session, draw the header, and route every same-site link in the
// browser (history API), loading each page's module the first time it is shown.
import { api, cartCall, logOut, restore, session } from "./api.js";
import { h, mount } from "./dom.js";
import { match } from "./routes.js";
import { errorBox, needsLogin, title, toast } from "./ui.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let rendering = 0;

function allowed(route) {
  if (!route.login && !route.role) return true;
  if (!session.signedIn) return false;
  if (!route.role) return true;
  const roles = Array.isArray(route.role) ? route.role : [route.role];
  return roles.some((role) => session.has(role));
}

async function render() {
  const ticket = ++rendering;
  const url = new URL(location.href);
  const found = match(url.pathname);
  main.setAttribute("aria-busy", "true");
  try {
    if (!found) {
      title("Not found");
      mount(main, h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "/" }, "Back to the shop")));
      return;
    }
    const { route, params } = found;
    if (!allowed(route)) {
      title(session.signedIn ? "Not allowed" : "Log in");
      needsLogin(main, url.pathname + url.search, session.signedIn ? [route.role].flat().join(" or ") : "");
      return;
    }
    const page = await import(route.module);
    if (ticket !== rendering) return; // another link was followed meanwhile
    await page.default({
      main,
      params,
      query: url.searchParams,
      path: url.pathname,
      navigate,
      refresh: render,
      stale: () => ticket !== rendering,
    });
  } catch (error) {
    if (ticket !== rendering) return;
    console.warn(error); // eslint-disable-line no-console
    title("Error");
    mount(main, h("h1", {}, error.status === 404 ? "Not found" : "Something went wrong"), errorBox(error));
  } finally {
    if (ticket === rendering) main.setAttribute("aria-busy", "false");
  }
}

// Show `path` (with its query) without reloading the page.
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.scrollTo(0, 0);
  // The new page takes the focus (a screen reader reads it out), unless one has gone on to another control
  // meanwhile (typing in the search box while the page loads).
  const focused = document.activeElement;
  render().then(() => {
    if (document.activeElement === focused || document.activeElement === document.body) {
      main.focus({ preventScroll: true });
    }
  });
}

function ours(link) {
  if (!link || link.target || link.hasAttribute("download") || link.origin !== location.origin) return false;
  return !/^\/(api|media|uploads|health|metrics)(\/|$)/.test(link.pathname);
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const link = event.target.closest("a[href]");
  if (!ours(link)) return;
  event.preventDefault();
  navigate(link.pathname + link.search + link.hash);
});

window.addEventListener("popstate", () => render());

// The header: the cart with its count, and the account's links by role.
let cartCount = 0;

export async function refreshCart() {
  try {
    const found = await cartCall("GET", "/cart");
    cartCount = found ? found.item_count : 0;
  } catch (error) {
    cartCount = 0;
  }
  drawNav();
}

window.addEventListener("cart-changed", () => refreshCart());
window.addEventListener("session-changed", () => {
  drawNav();
  refreshCart();
});

function drawNav() {
  const links = [h("a", { href: "/cart", class: "cart-link" }, "Cart", h("span", { class: "count" }, String(cartCount)), h("span", { class: "hidden" }, " items"))];
  if (session.signedIn) {
    links.push(h("a", { href: "/orders" }, "Orders"), h("a", { href: "/account" }, "Account"));
    if (session.holds("seller")) links.push(h("a", { href: "/seller" }, "Seller console"));
    if (session.has("moderator")) links.push(h("a", { href: "/admin" }, "Back office"));
    if (session.holds("carrier")) links.push(h("a", { href: "/carrier" }, "Parcels"));
    const out = h("button", { type: "button", class: "link" }, "Log out");
    out.addEventListener("click", async () => {
      await logOut().catch(() => undefined);
      window.dispatchEvent(new Event("session-changed"));
      toast("You are logged out.");
      navigate("/");
    });
    links.push(out);
  } else {
    links.push(h("a", { href: `/login?next=${encodeURIComponent(location.pathname + location.search)}` }, "Log in"));
  }
  mount(nav, links);
}

// Suggestions as one types in the header's search box (a listbox the arrow keys move through).
function suggestions() {
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const form = input.form;
  let timer = 0;
  let asked = 0; // the number of the latest question: an older answer, or one after closing, is dropped
  let active = -1;
  const close = () => {
    clearTimeout(timer);
    asked += 1;
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (text) => {
    input.value = text;
    close();
    navigate(`/search?q=${encodeURIComponent(text)}`);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return close();
    timer = setTimeout(async () => {
      const question = ++asked;
      try {
        const found = await api("GET", "/search/suggest", { query: { q: text } });
        if (question !== asked) return; // typed on, sent the search or left the box meanwhile
        mount(
          list,
          found.items.map((item, i) => {
            const option = h("li", { role: "option", id: `suggestion-${i}`, tabindex: "-1" }, item.text);
            option.addEventListener("mousedown", (event) => {
              event.preventDefault();
              choose(item.text);
            });
            return option;
          }),
        );
        list.hidden = found.items.length === 0;
        input.setAttribute("aria-expanded", String(!list.hidden));
      } catch (error) {
        close();
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    const options = [...list.querySelectorAll("li")];
    if (list.hidden || options.length === 0) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach((o, i) => o.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", options[active].id);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    close();
    navigate(`/search?q=${encodeURIComponent(input.value.trim())}`);
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q && location.pathname === "/search") input.value = q;
}

async function start() {
  await restore();
  drawNav();
  suggestions();
  await render();
  refreshCart();
}

start();
