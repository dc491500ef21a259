// The back office's overview (/admin): what waits for someone. Moderators see the moderation queues;
// admins also the sellers to verify, the payments retried or failed, the sagas failed or running long, and
// lost parcels. Each tile counts (up to 100, then "100+"), shows the first few and links to the list.
import { api, session } from "../api.js";
import { h } from "../dom.js";
import { date, errorBox, label, money } from "../ui.js";
import { isAdmin, page, shortId } from "./common.js";

const COUNT = 100;
const SHOWN = 3;
const STALE_MS = 60 * 60 * 1000; // a running saga that has not moved for an hour is worth a look

const TILES = [
  {
    role: "moderator",
    heading: "Products to moderate",
    path: "/admin/moderation/cases",
    query: { status: "open", subject_type: "product" },
    link: "/admin/moderation?subject_type=product",
    line: caseLine,
  },
  {
    role: "moderator",
    heading: "Reviews to moderate",
    path: "/admin/moderation/cases",
    query: { status: "open", subject_type: "review" },
    link: "/admin/moderation?subject_type=review",
    line: caseLine,
  },
  {
    role: "admin",
    heading: "Sellers awaiting verification",
    path: "/admin/sellers",
    query: { status: "pending" },
    link: "/admin/sellers?status=pending",
    line: (s) => [s.display_name, h("span", { class: "muted" }, ` (${s.country}), applied ${date(s.applied_at)}`)],
  },
  {
    role: "admin",
    heading: "Payments being retried",
    path: "/admin/payments",
    query: { status: "authorizing" },
    link: "/admin/payments?status=authorizing",
    line: (p) => [
      money(p.amount),
      h("span", { class: "muted" }, ` ${p.attempts} attempts, ${p.last_error || "waiting"}`),
    ],
  },
  {
    role: "admin",
    heading: "Failed payments",
    path: "/admin/payments",
    query: { status: "failed" },
    link: "/admin/payments?status=failed",
    line: (p) => [money(p.amount), h("span", { class: "muted" }, ` ${p.failure || p.last_error || ""}`)],
  },
  {
    role: "admin",
    heading: "Failed sagas",
    path: "/admin/sagas",
    query: { status: "failed" },
    link: "/admin/sagas?status=failed",
    line: (s) => sagaLine(s),
  },
  {
    role: "admin",
    heading: "Running sagas",
    path: "/admin/sagas",
    query: { status: "running" },
    link: "/admin/sagas?status=running",
    line: (s) => [
      sagaLine(s),
      Date.now() - new Date(s.updated_at) > STALE_MS ? h("span", { class: "badge bad" }, "Idle over an hour") : null,
    ],
  },
  {
    role: "admin",
    heading: "Lost parcels",
    path: "/admin/shipments",
    query: { status: "lost" },
    link: "/admin/shipments?status=lost",
    line: (s) => [s.tracking_number, h("span", { class: "muted" }, ` ${s.address.city}, ${s.address.country}`)],
  },
];

function caseLine(c) {
  return [
    h("a", { href: `/admin/moderation/${encodeURIComponent(c.case_id)}` }, c.title || "(no title)"),
    c.findings.length ? h("span", { class: "muted" }, ` — ${c.findings.map((f) => f.reason).join("; ")}`) : null,
  ];
}

function sagaLine(s) {
  return [
    h("a", { href: `/admin/sagas/${encodeURIComponent(s.saga_id)}` }, `${label(s.kind)} `, shortId(s.order_id)),
    h("span", { class: "muted" }, ` at ${label(s.step)}, ${date(s.updated_at, true)} `),
  ];
}

async function tile(spec) {
  const box = h("section", { class: "panel bo-tile" });
  const heading = h("h2", {}, spec.heading);
  box.append(heading);
  try {
    const found = await api("GET", spec.path, { query: { ...spec.query, limit: COUNT } });
    const count = found.items.length;
    box.append(
      h("p", { class: "bo-tile-count" }, found.next_cursor ? `${count}+` : String(count)),
      count
        ? h(
            "ul",
            { class: "bo-tile-list" },
            found.items.slice(0, SHOWN).map((item) => h("li", {}, spec.line(item))),
          )
        : h("p", { class: "muted" }, "Nothing waits."),
      h("p", {}, h("a", { href: spec.link }, count ? `See all ${spec.heading.toLowerCase()}` : "Open the list")),
    );
  } catch (error) {
    box.append(errorBox(error));
  }
  return box;
}

export default async function overview({ main }) {
  const tiles = await Promise.all(TILES.filter((t) => session.has(t.role)).map(tile));
  page(
    main,
    {
      tab: "/admin",
      heading: isAdmin() ? "Back office" : "Moderation overview",
      intro: "What needs attention now.",
    },
    h("div", { class: "bo-tiles" }, tiles),
  );
}
