// The seller console's start: the application form for an account that has not applied, the application's
// status while it is decided, and for a verified seller an overview of what needs doing.
import { api, session } from "../api.js";
import { h, mount, values } from "../dom.js";
import { badge, date, facts, field, submitting, title, toast } from "../ui.js";
import { PRODUCT_STATUSES, consolePage } from "./common.js";

const MOST = 100; // what the overview counts of each list ("100+" beyond)

export default async function home(ctx) {
  title("Seller console");
  let application = null;
  try {
    application = await api("GET", "/me/seller");
  } catch (error) {
    if (error.status !== 404) throw error;
  }
  if (ctx.stale()) return;
  if (!application) {
    applyPage(ctx);
    return;
  }
  if (application.status === "verified" && !session.holds("seller")) {
    // Verified since this page was loaded: the account holds the seller role now.
    session.me = await api("GET", "/me");
    window.dispatchEvent(new Event("session-changed"));
    if (ctx.stale()) return;
  }
  // A suspended seller loses the seller role: the status page says why.
  if (application.status === "verified") await overview(ctx);
  else statusPage(ctx, application);
}

function applicationForm(ctx, before) {
  const form = h(
    "form",
    { class: "form", novalidate: true },
    field("Shop name (shown to customers)", {
      name: "display_name",
      required: true,
      maxlength: 80,
      autocomplete: "organization",
    }),
    field("Legal name of the business", { name: "legal_name", required: true, maxlength: 200 }),
    field("Country (two-letter code, such as DE)", {
      name: "country",
      required: true,
      maxlength: 2,
      autocomplete: "country",
      class: "seller-short",
    }),
    field("Payout account reference (such as acct_123)", { name: "payout_reference", required: true, maxlength: 64 }),
    h(
      "p",
      { class: "muted" },
      "The payout reference is your payment provider's account reference, never bank details. Only you see it.",
    ),
    h("div", { class: "actions" }, h("button", { type: "submit" }, before ? "Apply again" : "Apply")),
  );
  if (before) {
    for (const name of ["display_name", "legal_name", "country", "payout_reference"]) {
      form.elements.namedItem(name).value = before[name];
    }
  }
  form.addEventListener(
    "submit",
    submitting(async () => {
      const body = values(form, true);
      body.country = (body.country || "").toUpperCase();
      await api("POST", "/sellers/apply", { body });
      toast("Your application is sent.");
      await ctx.refresh();
    }),
  );
  return form;
}

function applyPage(ctx) {
  title("Sell on Marketplace");
  mount(
    ctx.main,
    h("h1", {}, "Sell on Marketplace"),
    h(
      "p",
      {},
      "Open a storefront and sell to our customers. Apply with your business details: an administrator checks ",
      "every application, and once you are verified this page becomes your seller console, where you set up ",
      "your storefront, list products, fulfil orders and answer reviews.",
    ),
    h("h2", {}, "Your application"),
    applicationForm(ctx, null),
  );
}

const STATUS_PAGES = {
  pending: [
    "Your application is being reviewed",
    "An administrator checks every application. Once you are verified, this page becomes your seller console: set up your storefront, list your products and submit them for review.",
  ],
  rejected: [
    "Your application was rejected",
    "You may apply again: correct what the reason names and send the application once more.",
  ],
  suspended: [
    "Your seller account is suspended",
    "Your storefront and your products are hidden from the shop while the account is suspended. Contact support " +
      "to have it reinstated.",
  ],
  closed: ["Your seller account is closed", "A closed seller account cannot sell again."],
};

function summary(application) {
  return facts([
    ["Shop name", application.display_name],
    ["Legal name", application.legal_name],
    ["Country", application.country],
    ["Payout reference", application.payout_reference],
    ["Applied", date(application.applied_at, true)],
    ["Decided", date(application.decided_at, true)],
  ]);
}

function reasonBox(application) {
  if (!application.reason) return null;
  return h("div", { class: "error", role: "alert" }, h("p", {}, h("strong", {}, "Reason: "), application.reason));
}

function statusPage(ctx, application) {
  const [heading, next] = STATUS_PAGES[application.status] || [`Your application is ${application.status}`, ""];
  title(heading);
  const check = h(
    "button",
    { type: "button", class: "secondary", onclick: () => ctx.refresh() },
    "Check the status again",
  );
  mount(
    ctx.main,
    h("h1", {}, heading),
    h("p", {}, "Status: ", badge(application.status)),
    reasonBox(application),
    h("p", {}, next),
    application.status === "pending" ? h("div", { class: "actions" }, check) : null,
    h("h2", {}, application.status === "rejected" ? "Apply again" : "Your application"),
    application.status === "rejected" ? applicationForm(ctx, application) : summary(application),
  );
}

function count([page, more]) {
  return more ? `${MOST}+` : String(page.length);
}

function stat(number, text, href) {
  return h("li", {}, h("a", { href }, h("span", { class: "seller-stat-number" }, number), h("span", {}, text)));
}

async function overview(ctx) {
  const list = async (path, query) => {
    const page = await api("GET", path, { query: { ...query, limit: MOST } });
    return [page.items, Boolean(page.next_cursor)];
  };
  const [storefront, paid, unanswered, ...products] = await Promise.all([
    api("GET", "/seller/storefront"),
    list("/seller/orders", { status: "paid" }),
    list("/seller/reviews", { unanswered: true }),
    ...PRODUCT_STATUSES.map(([status]) => list("/seller/products", { status })),
  ]);
  if (ctx.stale()) return;
  const toFulfil = paid[0].filter((order) => !order.ready_to_ship);
  consolePage(
    ctx.main,
    ctx.path,
    "Seller console",
    h(
      "p",
      {},
      "Welcome, ",
      storefront.display_name,
      ". ",
      h("a", { href: `/sellers/${encodeURIComponent(storefront.seller_id)}` }, "See your storefront as customers do"),
    ),
    h("p", {}, "Status: ", badge("verified", "Verified seller")),
    h("h2", { id: "to-do" }, "To do"),
    h(
      "ul",
      { class: "seller-stats", "aria-labelledby": "to-do" },
      stat(
        paid[1] ? `${toFulfil.length}+` : String(toFulfil.length),
        toFulfil.length === 1 && !paid[1] ? "order to fulfil" : "orders to fulfil",
        "/seller/orders?status=paid",
      ),
      stat(
        count(unanswered),
        count(unanswered) === "1" ? "review to answer" : "reviews to answer",
        "/seller/reviews?unanswered=true",
      ),
    ),
    h("h2", { id: "products" }, "Products"),
    h(
      "ul",
      { class: "seller-stats", "aria-labelledby": "products" },
      PRODUCT_STATUSES.map(([status, text], i) =>
        stat(count(products[i]), text.toLowerCase(), `/seller/products?status=${status}`),
      ),
    ),
    h(
      "div",
      { class: "actions" },
      h("a", { class: "button", href: "/seller/products/new" }, "New product"),
      h("a", { class: "button secondary", href: "/seller/products" }, "All products"),
      h("a", { class: "button secondary", href: "/seller/profile" }, "Edit your storefront"),
    ),
  );
}
