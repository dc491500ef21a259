// The direct carrier's parcels (/carrier), newest first: where each goes, what it holds, its history, and a
// form to report the next status (the API refuses a move a parcel cannot make: a delivered one lost).
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import { addressBlock, badge, cursorPager, date, facts, field, submitting, timeline, title, toast } from "../ui.js";

const PATH = "/carrier";
// What a carrier may report next from each status (a carrier may skip a step); none once it is over.
const NEXT = {
  accepted: ["in_transit", "out_for_delivery", "delivered"],
  in_transit: ["out_for_delivery", "delivered", "lost"],
  out_for_delivery: ["delivered", "lost"],
};
const NAMES = {
  in_transit: "Picked up / in transit",
  out_for_delivery: "Out for delivery",
  delivered: "Delivered",
  lost: "Lost",
};

// A datetime-local value ("2026-05-01T14:30", the browser's time zone) for `moment`.
function localValue(moment) {
  const shifted = new Date(moment.getTime() - moment.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}

function reportForm(parcel, redraw) {
  const next = NEXT[parcel.status] || [];
  if (!next.length) return h("p", { class: "muted" }, "Nothing more to report: this parcel's journey is over.");
  const form = h(
    "form",
    { class: "form bo-report-form", "aria-label": `Report on parcel ${parcel.tracking_number}` },
    h("h4", {}, "Report"),
    field("New status", { name: "status", required: true, options: next.map((s) => [s, NAMES[s]]) }, "select"),
    field("Where", {
      name: "location",
      required: true,
      maxlength: 120,
      autocomplete: "off",
      placeholder: "e.g. Leipzig hub",
    }),
    field("When (leave empty for now)", { name: "occurred_at", type: "datetime-local", max: localValue(new Date()) }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Report")),
  );
  form.addEventListener(
    "submit",
    submitting(async (f) => {
      const body = { status: f.elements.status.value, location: f.elements.location.value.trim() };
      const when = f.elements.occurred_at.value;
      if (when) body.occurred_at = new Date(when).toISOString();
      const path = `/carrier/shipments/${encodeURIComponent(parcel.tracking_number)}/events`;
      const updated = await api("POST", path, { body });
      toast(`Parcel ${updated.tracking_number}: ${NAMES[body.status].toLowerCase()}.`);
      redraw(updated);
    }),
  );
  return form;
}

function parcelBlock(parcel) {
  const id = `parcel-${parcel.tracking_number}`;
  const block = h("article", { class: "panel bo-parcel", "aria-labelledby": id });
  const redraw = (updated) => {
    const fresh = parcelBlock(updated);
    block.replaceWith(fresh);
    fresh.querySelector("h3").focus();
  };
  mount(
    block,
    h("h3", { id, tabindex: "-1" }, `Parcel ${parcel.tracking_number} `, badge(parcel.status)),
    h(
      "div",
      { class: "split wide" },
      h(
        "div",
        {},
        facts([
          ["Deliver to", addressBlock(parcel.address)],
          ["Items", `${parcel.items.reduce((sum, item) => sum + item.quantity, 0)}`],
          ["Last change", date(parcel.updated_at, true)],
        ]),
        h("h4", {}, "History"),
        timeline(parcel.timeline),
      ),
      h("div", {}, reportForm(parcel, redraw)),
    ),
  );
  return block;
}

export default async function carrier({ main, query }) {
  const found = await api("GET", "/carrier/shipments", {
    query: { limit: 20, cursor: query.get("cursor") || undefined },
  });
  title("Parcels");
  const onTheWay = found.items.filter((p) => NEXT[p.status]);
  const done = found.items.filter((p) => !NEXT[p.status]);
  const section = (heading, parcels, empty) => [
    h("h2", {}, `${heading} (${parcels.length})`),
    parcels.length ? h("div", { class: "bo-list" }, parcels.map(parcelBlock)) : h("p", { class: "muted" }, empty),
  ];
  mount(
    main,
    h("h1", {}, "Your parcels"),
    found.items.length
      ? [
          h("p", { class: "muted" }, "The parcels handed to you, newest first."),
          section("On the way", onTheWay, "Nothing to deliver on this page."),
          done.length ? section("Done", done, "") : null,
        ]
      : h("p", { class: "muted" }, "No parcel has been handed to you yet."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
