// Shipments (/admin/shipments), newest first, by status; a parcel on its way can be handed to a direct
// carrier (a user with the carrier role, named by user id), who then reports its progress on /carrier.
import { api } from "../api.js";
import { h, mount } from "../dom.js";
import {
  addressLines,
  badge,
  chosen,
  cursorPager,
  date,
  facts,
  filters,
  label,
  submitting,
  timeline,
  toast,
} from "../ui.js";
import { emptyNote, listQuery, page, shortId } from "./common.js";

const PATH = "/admin/shipments";
const STATUSES = ["accepted", "in_transit", "out_for_delivery", "delivered", "lost", "cancelled"];
const ON_ITS_WAY = ["accepted", "in_transit", "out_for_delivery"];
const API_CARRIER = "sandbox";

// The carriers among the first accounts (GET /admin/users cannot filter by role): offered as suggestions.
async function knownCarriers() {
  try {
    const found = await api("GET", "/admin/users", { query: { limit: 100 } });
    return found.items.filter((a) => a.roles.includes("carrier"));
  } catch (error) {
    return [];
  }
}

function carrierName(id, carriers) {
  if (id === API_CARRIER) return "Sandbox carrier (API)";
  const known = carriers.find((c) => c.user_id === id);
  return h("a", { href: `/admin/users?user=${encodeURIComponent(id)}` }, known ? known.email : shortId(id));
}

function handForm(shipment, carriers, redraw) {
  const id = `carrier-${shipment.shipment_id}`;
  const form = h(
    "form",
    { class: "bo-inline-form bo-hand-form" },
    h("label", { for: id }, "Carrier's user id"),
    h("input", {
      id,
      name: "carrier_id",
      required: true,
      maxlength: 64,
      autocomplete: "off",
      list: carriers.length ? "carriers" : null,
      "aria-describedby": `${id}-hint`,
    }),
    h("button", { type: "submit" }, "Hand to this carrier"),
    h(
      "p",
      { class: "muted bo-small", id: `${id}-hint` },
      carriers.length
        ? `Pick one of the ${carriers.length} carrier accounts suggested, or paste another carrier's user id.`
        : "Paste the user id of an account with the carrier role (Users tab).",
    ),
  );
  form.addEventListener(
    "submit",
    submitting(async (f) => {
      const body = { carrier_id: f.elements.carrier_id.value.trim() };
      const updated = await api("POST", `/admin/shipments/${encodeURIComponent(shipment.shipment_id)}/carrier`, {
        body,
      });
      toast(`Parcel ${updated.tracking_number} handed over.`);
      redraw(updated);
    }),
  );
  return h("details", { class: "bo-fold" }, h("summary", {}, "Hand to a direct carrier…"), form);
}

function shipmentBlock(shipment, carriers) {
  const id = `shipment-${shipment.shipment_id}`;
  const block = h("article", { class: "panel bo-shipment", "aria-labelledby": id });
  const redraw = (updated) => {
    const fresh = shipmentBlock(updated, carriers);
    block.replaceWith(fresh);
    fresh.querySelector("h2").focus();
  };
  const items = shipment.items.reduce((sum, item) => sum + item.quantity, 0);
  mount(
    block,
    h("h2", { id, tabindex: "-1" }, `Parcel ${shipment.tracking_number} `, badge(shipment.status)),
    facts([
      ["Carrier", carrierName(shipment.carrier, carriers)],
      [
        "Order",
        [
          shortId(shipment.order_id),
          " · ",
          h("a", { href: `/admin/sagas/${encodeURIComponent(shipment.order_id)}` }, "its saga"),
        ],
      ],
      ["Ships to", addressLines(shipment.address).join(", ")],
      ["Items", `${items} item${items === 1 ? "" : "s"}`],
      ["Booked", date(shipment.created_at, true)],
      ["Last change", date(shipment.updated_at, true)],
      [
        "Label",
        shipment.label_url
          ? h("a", { href: shipment.label_url, target: "_blank", rel: "noopener" }, "Shipping label")
          : "",
      ],
    ]),
    h(
      "details",
      { class: "bo-fold" },
      h("summary", {}, `History (${shipment.timeline.length})`),
      timeline(shipment.timeline),
    ),
    ON_ITS_WAY.includes(shipment.status) ? handForm(shipment, carriers, redraw) : null,
  );
  return block;
}

export default async function shipments({ main, query }) {
  const status = chosen(query, "status", STATUSES);
  const [found, carriers] = await Promise.all([
    api("GET", "/admin/shipments", { query: listQuery(query, { status }) }),
    knownCarriers(),
  ]);
  page(
    main,
    { tab: PATH, heading: "Shipments", intro: "Parcels, newest first." },
    filters("status", "Status", PATH, query, [["", "All"], ...STATUSES.map((s) => [s, label(s)])]),
    h(
      "datalist",
      { id: "carriers" },
      carriers.map((c) => h("option", { value: c.user_id, label: c.email })),
    ),
    found.items.length
      ? h(
          "div",
          { class: "bo-list" },
          found.items.map((s) => shipmentBlock(s, carriers)),
        )
      : emptyNote("No such shipments."),
    cursorPager(PATH, query, found.next_cursor),
  );
}
