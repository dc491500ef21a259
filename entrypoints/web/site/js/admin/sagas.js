// The checkout and refund sagas (/admin/sagas), oldest first, by kind and status: where each stands.
import { api } from "../api.js";
import { h } from "../dom.js";
import { badge, chosen, cursorPager, date, filters, label, table } from "../ui.js";
import { emptyNote, listQuery, page, shortId } from "./common.js";

const PATH = "/admin/sagas";
const KINDS = ["checkout", "refund"];
const STATUSES = ["running", "completed", "cancelled", "lost_refunded", "failed"];

export default async function sagas({ main, query }) {
  const kind = chosen(query, "kind", KINDS);
  const status = chosen(query, "status", STATUSES);
  const found = await api("GET", "/admin/sagas", { query: listQuery(query, { kind, status }) });
  page(
    main,
    {
      tab: PATH,
      heading: "Sagas",
      intro: "Checkouts and refunds, oldest first; a running saga's step says what it does or waits for.",
    },
    filters("kind", "Kind", PATH, query, [["", "All"], ...KINDS.map((k) => [k, label(k)])]),
    filters("status", "Status", PATH, query, [["", "All"], ...STATUSES.map((s) => [s, label(s)])]),
    found.items.length
      ? table(
          found.items,
          [
            [
              "Saga",
              (s) =>
                h("a", { href: `${PATH}/${encodeURIComponent(s.saga_id)}` }, `${label(s.kind)} `, shortId(s.order_id)),
            ],
            ["Status", (s) => badge(s.status)],
            ["Step", (s) => label(s.step)],
            ["Started", (s) => date(s.created_at, true)],
            ["Last moved", (s) => date(s.updated_at, true)],
          ],
          [status ? label(status) : "", kind ? `${kind} sagas` : "Sagas"].filter(Boolean).join(" "),
        )
      : emptyNote("No such sagas."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
