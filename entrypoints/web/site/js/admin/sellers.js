// Seller accounts (/admin/sellers), oldest application first: verify or reject a pending application,
// suspend a verified seller (the storefront and its products leave the shop) or reinstate a suspended one.
// A seller's id is its owner's user id.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { badge, chosen, cursorPager, date, facts, filters, toast } from "../ui.js";
import { emptyNote, listQuery, page, reasonForm, shortId } from "./common.js";

const PATH = "/admin/sellers";
const STATUSES = ["pending", "verified", "rejected", "suspended", "closed"];

function button(text, action, className) {
  const b = h("button", { type: "button", class: className || null }, text);
  b.addEventListener("click", action);
  return b;
}

function actions(seller, act) {
  if (seller.status === "pending") {
    return [
      h(
        "div",
        { class: "actions" },
        button("Verify", () => act("verify", null, "verified")),
      ),
      reasonForm({
        summary: "Reject the application…",
        button: "Reject the application",
        send: (reason) => act("reject", reason, "rejected"),
      }),
    ];
  }
  if (seller.status === "verified") {
    return reasonForm({
      summary: "Suspend the seller…",
      button: "Suspend the seller",
      hint: "The storefront and its products leave the shop until the seller is reinstated.",
      send: (reason) => act("suspend", reason, "suspended"),
    });
  }
  if (seller.status === "suspended") {
    return h(
      "div",
      { class: "actions" },
      button("Reinstate", () => act("reinstate", null, "reinstated"), "secondary"),
    );
  }
  return null;
}

function sellerBlock(seller) {
  const id = `seller-${seller.seller_id}`;
  const block = h("article", { class: "panel bo-seller", "aria-labelledby": id });
  const problem = h("div", { class: "form-error" });
  // Each decision answers the seller's new summary: the block is drawn anew from it.
  const act = async (decision, reason, done) => {
    problem.replaceChildren();
    try {
      const body = reason === null ? undefined : { reason };
      const path = `/admin/sellers/${encodeURIComponent(seller.seller_id)}/${decision}`;
      const updated = await api("POST", path, { body });
      const fresh = sellerBlock(updated);
      block.replaceWith(fresh);
      fresh.querySelector("h2").focus();
      toast(`${updated.display_name} is ${done}.`);
    } catch (error) {
      if (reason !== null) throw error; // the reason form shows it beside the field
      problem.append(h("div", { class: "error", role: "alert" }, h("p", {}, error.message)));
    }
  };
  mount(
    block,
    h("h2", { id, tabindex: "-1" }, seller.display_name, " ", badge(seller.status)),
    facts([
      ["Legal name", seller.legal_name],
      ["Country", seller.country],
      ["Applied", date(seller.applied_at, true)],
      ["Decided", seller.decided_at ? date(seller.decided_at, true) : ""],
      ["Reason", seller.reason],
      [
        "Account",
        h("a", { href: `/admin/users?user=${encodeURIComponent(seller.seller_id)}` }, shortId(seller.seller_id)),
      ],
      [
        "Storefront",
        seller.status === "verified"
          ? h("a", { href: `/sellers/${encodeURIComponent(seller.seller_id)}` }, "In the shop")
          : "",
      ],
    ]),
    problem,
    actions(seller, act),
  );
  return block;
}

export default async function sellers({ main, query }) {
  const status = chosen(query, "status", STATUSES);
  const found = await api("GET", "/admin/sellers", { query: listQuery(query, { status }) });
  page(
    main,
    { tab: PATH, heading: "Sellers", intro: "Seller accounts, oldest application first." },
    filters("status", "Status", PATH, query, [
      ["", "All"],
      ...STATUSES.map((s) => [s, s[0].toUpperCase() + s.slice(1)]),
    ]),
    found.items.length
      ? h("div", { class: "bo-list" }, found.items.map(sellerBlock))
      : emptyNote("No such seller accounts."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
