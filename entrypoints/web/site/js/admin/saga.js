// One saga (/admin/sagas/:id): where it stands, why it ended as it did, and the log of its steps as a
// timeline, oldest first.
import { api } from "../api.js";
import { h } from "../dom.js";
import { badge, date, facts, label, money } from "../ui.js";
import { page } from "./common.js";

export default async function saga({ main, params }) {
  const s = await api("GET", `/admin/sagas/${encodeURIComponent(params.id)}`);
  page(
    main,
    { tab: "/admin/sagas", heading: `${label(s.kind)} saga` },
    h("p", {}, h("a", { href: "/admin/sagas" }, "← All sagas")),
    h(
      "section",
      { class: "panel bo-state", "aria-labelledby": "saga-state" },
      h("h2", { id: "saga-state" }, "Where it stands"),
      facts([
        ["Status", badge(s.status)],
        ["Step", label(s.step)],
        ["Reason", s.reason],
        ["Amount", money(s.amount)],
        ["Order", h("code", {}, s.order_id)],
        [
          "Customer",
          h("a", { href: `/admin/users?user=${encodeURIComponent(s.customer_id)}` }, h("code", {}, s.customer_id)),
        ],
        ["Saga id", h("code", {}, s.saga_id)],
        ["Started", date(s.created_at, true)],
        ["Last moved", date(s.updated_at, true)],
      ]),
    ),
    h("h2", {}, "Steps"),
    s.log.length
      ? h(
          "ol",
          { class: "timeline bo-saga-log" },
          s.log.map((entry) =>
            h(
              "li",
              {},
              h("strong", {}, label(entry.name)),
              `: ${entry.outcome}`,
              h("br"),
              h("span", { class: "muted" }, date(entry.at, true)),
            ),
          ),
        )
      : h("p", { class: "muted" }, "No step has run yet."),
  );
}
