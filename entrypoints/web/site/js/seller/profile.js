// The storefront as customers see it, and the form changing its name, description and logo.
import { api } from "../api.js";
import { h, mount, values } from "../dom.js";
import { date, facts, field, stars, submitting, title, toast } from "../ui.js";
import { consolePage } from "./common.js";

function storefrontFacts(storefront) {
  return facts([
    ["Rating", storefront.review_count ? stars(storefront.rating, storefront.review_count) : "No reviews yet"],
    ["Products in the shop", String(storefront.product_count)],
    ["Country", storefront.country],
    ["Seller since", date(storefront.member_since)],
  ]);
}

export default async function profile({ main, path, stale }) {
  title("Storefront profile");
  const storefront = await api("GET", "/seller/storefront");
  if (stale()) return;
  const shown = h("div", { class: "panel seller-card" });
  const draw = (view) =>
    mount(
      shown,
      h("h2", {}, view.display_name),
      storefrontFacts(view),
      h("p", {}, h("a", { href: `/sellers/${encodeURIComponent(view.seller_id)}` }, "Open your storefront")),
    );
  draw(storefront);

  const form = h(
    "form",
    { class: "form", novalidate: true },
    field("Shop name", { name: "display_name", required: true, maxlength: 80, value: storefront.display_name }),
    field("Description", { name: "description", maxlength: 2000, rows: 6, value: storefront.description }, "textarea"),
    field("Logo URL (https)", {
      name: "logo_url",
      type: "url",
      maxlength: 2048,
      value: storefront.logo_url || "",
      "aria-describedby": "logo-hint",
    }),
    h("p", { class: "muted", id: "logo-hint" }, "Leave the logo URL empty to remove the logo."),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save the storefront")),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const typed = values(form, true);
      const body = {
        display_name: typed.display_name,
        description: typed.description || null,
        logo_url: typed.logo_url || null,
      };
      const saved = await api("PATCH", "/seller/storefront", { body });
      draw(saved);
      toast("Your storefront is saved.");
    }),
  );

  consolePage(main, path, "Storefront profile", shown, h("h2", {}, "Change the storefront"), form);
}
