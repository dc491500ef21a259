// The moderation queue (/admin/moderation): the open cases oldest first (or the decided and superseded ones),
// of products, reviews or both, each shown whole so a moderator decides right here.
import { api } from "../api.js";
import { h } from "../dom.js";
import { chosen, cursorPager, filters } from "../ui.js";
import { caseBlock, categoryNames } from "./case.js";
import { emptyNote, listQuery, page } from "./common.js";

const PATH = "/admin/moderation";
const TYPES = [
  ["", "Everything"],
  ["product", "Products"],
  ["review", "Reviews"],
];
const STATUSES = [
  ["", "Open"],
  ["decided", "Decided"],
  ["superseded", "Superseded"],
];
const PER_PAGE = 10;

export default async function moderation({ main, query }) {
  const subjectType = chosen(query, "subject_type", ["product", "review"]);
  const status = chosen(query, "status", ["decided", "superseded"]);
  const [found, categories] = await Promise.all([
    api("GET", "/admin/moderation/cases", {
      query: listQuery(query, { subject_type: subjectType, status: status || "open" }, PER_PAGE),
    }),
    categoryNames(),
  ]);
  // The queue's lines say little: each case is read whole (content, findings, decision).
  const cases = (
    await Promise.all(
      found.items.map((line) =>
        api("GET", `/admin/moderation/cases/${encodeURIComponent(line.case_id)}`).catch(() => null),
      ),
    )
  ).filter(Boolean);
  const what = { product: "products", review: "reviews" }[subjectType] || "products and reviews";
  page(
    main,
    {
      tab: PATH,
      heading: "Moderation",
      intro: status
        ? `The ${status} cases of ${what}, most recently closed first.`
        : `The ${what} waiting for a person, oldest first. Approving publishes; a rejection's reasons go to the author.`,
    },
    filters("subject_type", "Subject", PATH, query, TYPES),
    filters("status", "Status", PATH, query, STATUSES),
    cases.length
      ? h(
          "div",
          { class: "bo-list" },
          cases.map((view) => caseBlock(view, categories)),
        )
      : emptyNote(status ? "No such cases." : "Nothing waits for a moderator."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
