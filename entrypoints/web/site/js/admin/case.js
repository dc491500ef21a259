// One moderation case (/admin/moderation/:id): what was submitted, what the rules found, the decision and
// the history; an open case is approved or rejected here. `caseBlock` is the queue's too.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { badge, date, facts, money, ratingStars, toast } from "../ui.js";
import { isAdmin, page, reasonForm, shortId } from "./common.js";

// The category tree as id -> "Parent › Child" (a product case names its category by id).
export async function categoryNames() {
  const names = new Map();
  const walk = (nodes, parent) => {
    for (const node of nodes) {
      const path = parent ? `${parent} › ${node.name}` : node.name;
      names.set(node.id, path);
      walk(node.children || [], path);
    }
  };
  try {
    walk((await api("GET", "/categories")).items, "");
  } catch (error) {
    // The ids show instead.
  }
  return names;
}

function owner(view) {
  const id = view.owner_id;
  const who = view.subject_type === "review" ? "Author" : "Seller";
  return [who, isAdmin() ? h("a", { href: `/admin/users?user=${encodeURIComponent(id)}` }, shortId(id)) : shortId(id)];
}

function content(view, categories, sub) {
  const c = view.content;
  if (view.subject_type === "review") {
    return [
      facts([["Stars", c.rating ? ratingStars(c.rating) : ""], owner(view), ["Photos", c.image_count || ""]]),
      h(sub, {}, "Review text"),
      h("p", { class: "bo-submitted" }, c.description || "(no text)"),
    ];
  }
  return [
    facts([
      ["Brand", c.brand],
      ["Category", categories.get(c.category_id) || c.category_id],
      ["SKU", c.sku],
      ["Price", c.price ? money(c.price) : ""],
      ["Images", c.image_count ? `${c.image_count} (the case does not show them)` : "None"],
      owner(view),
    ]),
    h(sub, {}, "Description"),
    h("p", { class: "bo-submitted" }, c.description || "(no description)"),
    c.attributes && c.attributes.length
      ? [h(sub, {}, "Attributes"), facts(c.attributes.map((a) => [a.name, a.value]))]
      : null,
  ];
}

function findings(view, sub) {
  return [
    h(sub, {}, "What the rules found"),
    view.findings.length
      ? h(
          "ul",
          { class: "bo-findings" },
          view.findings.map((f) =>
            h(
              "li",
              {},
              h(
                "span",
                { class: ["badge", f.severity === "reject" ? "bad" : "warn"] },
                f.severity === "reject" ? "Reject" : "Check",
              ),
              " ",
              f.reason,
              h("span", { class: "muted" }, ` (${f.rule})`),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Nothing: the case waits for a person for another reason."),
  ];
}

function decision(view, sub) {
  const d = view.decision;
  if (!d) return null;
  return [
    h(sub, {}, "Decision"),
    h(
      "div",
      { class: d.approved ? "notice" : "error", role: "status" },
      h("p", {}, d.approved ? "Approved" : "Rejected", ` on ${date(d.decided_at, true)}`),
      d.reasons.length
        ? h(
            "ul",
            {},
            d.reasons.map((r) => h("li", {}, r)),
          )
        : null,
    ),
  ];
}

function actions(view, redraw) {
  if (view.status !== "open") return null;
  const path = `/admin/moderation/cases/${encodeURIComponent(view.case_id)}`;
  const what = view.subject_type === "review" ? "review" : "product";
  const approve = h("button", { type: "button" }, `Approve the ${what}`);
  const box = h("div", { class: "bo-case-actions" });
  approve.addEventListener("click", async () => {
    approve.disabled = true;
    try {
      redraw(await api("POST", `${path}/approve`), `Approved: the ${what} is published.`);
    } catch (error) {
      approve.disabled = false;
      box.prepend(h("div", { class: "error", role: "alert" }, h("p", {}, error.message)));
    }
  });
  box.append(
    h("div", { class: "actions" }, approve),
    reasonForm({
      summary: `Reject the ${what}…`,
      button: `Reject the ${what}`,
      multi: true,
      hint: "Each reason is 3 to 300 characters; at most 10.",
      send: async (reasons) =>
        redraw(
          await api("POST", `${path}/reject`, { body: { reasons } }),
          `Rejected: the ${what} stays out of the shop.`,
        ),
    }),
  );
  return box;
}

// A case as a panel: its title at heading `level` (2 in the queue), its sections one level below.
export function caseBlock(view, categories, level = 2, link = true) {
  const head = `h${level}`;
  const sub = `h${level + 1}`;
  const block = h("article", { class: "panel bo-case", "aria-labelledby": `case-${view.case_id}` });
  const redraw = (updated, message) => {
    const fresh = caseBlock(updated, categories, level, link);
    block.replaceWith(fresh);
    toast(message);
    fresh.querySelector(head).focus();
  };
  const kind = view.subject_type === "review" ? "Review" : "Product";
  mount(
    block,
    h(head, { id: `case-${view.case_id}`, tabindex: "-1" }, view.content.title || "(no title)"),
    h(
      "p",
      { class: "bo-case-meta" },
      badge(view.status),
      " ",
      h("span", { class: "badge" }, kind),
      ` revision ${view.revision}, submitted ${date(view.opened_at, true)}`,
      link ? [" · ", h("a", { href: `/admin/moderation/${encodeURIComponent(view.case_id)}` }, "Case page")] : null,
    ),
    content(view, categories, sub),
    findings(view, sub),
    decision(view, sub),
    actions(view, redraw),
  );
  return block;
}

export default async function moderationCase({ main, params }) {
  const [view, categories] = await Promise.all([
    api("GET", `/admin/moderation/cases/${encodeURIComponent(params.id)}`),
    categoryNames(),
  ]);
  const kind = view.subject_type === "review" ? "Review" : "Product";
  page(
    main,
    { tab: "/admin/moderation", heading: `${kind} case` },
    h("p", {}, h("a", { href: "/admin/moderation" }, "← The queue")),
    caseBlock(view, categories, 2, false),
    h("h2", {}, "History"),
    h(
      "ol",
      { class: "timeline" },
      view.history.map((entry) =>
        h(
          "li",
          {},
          h("strong", {}, entry.action.replaceAll("_", " ")),
          ` ${date(entry.at, true)} by `,
          shortId(entry.by),
          entry.reasons && entry.reasons.length
            ? h(
                "ul",
                {},
                entry.reasons.map((r) => h("li", {}, r)),
              )
            : null,
        ),
      ),
    ),
  );
}
