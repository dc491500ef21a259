// One product card, new or existing: its details, its status (with the moderators' reasons when rejected),
// submitting it for review and archiving it, its images (uploaded straight to the object store through
// a presigned URL) and its stock.
import { ApiError, api } from "../api.js";
import { h, mount, values } from "../dom.js";
import { busy, date, errorBox, facts, field, image, label, submitting, title, toast } from "../ui.js";
import { CURRENCIES, confirmButton, consolePage, fromMinor, productBadge, statusHelp, toMinor } from "./common.js";

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"];
const KINDS = [
  ["text", "Text"],
  ["number", "Number"],
  ["boolean", "Yes or no"],
];

// The category tree as select options, children named under their parent: "Electronics › Headphones".
function categoryOptions(nodes, parent = "") {
  return nodes.flatMap((node) => {
    const name = parent ? `${parent} › ${node.name}` : node.name;
    return [[node.id, name], ...categoryOptions(node.children || [], name)];
  });
}

// --- attributes: rows of name, kind and value -------------------------------------------------------

let rows = 0;

function attributeRow(list, attribute = { name: "", kind: "text", value: "" }) {
  const n = ++rows;
  const row = h("li", { role: "group", "aria-label": "Attribute" });
  const name = field("Name", {
    name: `attribute-name-${n}`,
    maxlength: 160,
    value: attribute.name,
    dataset: { part: "name" },
  });
  const kind = field(
    "Kind",
    { name: `attribute-kind-${n}`, options: KINDS, value: attribute.kind, dataset: { part: "kind" } },
    "select",
  );
  const valueBox = h("div", { class: "seller-attribute-value" });
  const drawValue = (kindValue, value) => {
    const props = { name: `attribute-value-${n}`, dataset: { part: "value" } };
    mount(
      valueBox,
      kindValue === "boolean"
        ? field(
            "Value",
            {
              ...props,
              options: [
                ["true", "Yes"],
                ["false", "No"],
              ],
              value: String(value === true || value === "true"),
            },
            "select",
          )
        : field("Value", {
            ...props,
            value: value === undefined ? "" : String(value),
            inputmode: kindValue === "number" ? "decimal" : null,
          }),
    );
  };
  drawValue(attribute.kind, attribute.value);
  const kindSelect = kind.querySelector("select");
  kindSelect.addEventListener("change", () => drawValue(kindSelect.value, ""));
  const remove = h("button", { type: "button", class: "secondary", "aria-label": "Remove this attribute" }, "Remove");
  remove.addEventListener("click", () => {
    row.remove();
    list.closest("fieldset").querySelector(".seller-add-attribute").focus();
  });
  mount(row, name, kind, valueBox, remove);
  return row;
}

function attributesFieldset(attributes) {
  const list = h("ul", { class: "seller-attributes" });
  const add = h("button", { type: "button", class: "secondary seller-add-attribute" }, "Add an attribute");
  add.addEventListener("click", () => {
    const row = attributeRow(list);
    list.append(row);
    row.querySelector("input").focus();
  });
  const fieldset = h(
    "fieldset",
    {},
    h("legend", {}, "Attributes"),
    h("p", { class: "muted" }, "Facts customers filter by, such as colour or battery hours."),
    list,
    add,
  );
  for (const attribute of attributes) list.append(attributeRow(list, attribute));
  return fieldset;
}

function readAttributes(form) {
  return [...form.querySelectorAll(".seller-attributes > li")].map((row) => {
    const part = (name) => row.querySelector(`[data-part="${name}"]`).value.trim();
    const kind = part("kind");
    const raw = part("value");
    let value = raw;
    if (kind === "boolean") value = raw === "true";
    else if (kind === "number" && raw !== "" && Number.isFinite(Number(raw))) value = Number(raw);
    return { name: part("name"), kind, value };
  });
}

// --- the details form -------------------------------------------------------------------------------

function detailsForm(card, categories) {
  const price = card ? card.price : { amount: 0, currency: "EUR" };
  return h(
    "form",
    { class: "form", novalidate: true },
    field("Title", { name: "title", required: true, maxlength: 300, value: card ? card.title : "" }),
    field("SKU (your own product code, unique among your products)", {
      name: "sku",
      required: true,
      maxlength: 164,
      value: card ? card.sku : "",
    }),
    field("Brand", { name: "brand", maxlength: 200, value: card ? card.brand : "" }),
    field(
      "Category",
      {
        name: "category_id",
        required: true,
        options: [["", "Choose a category"], ...categoryOptions(categories)],
        value: card ? card.category_id : "",
      },
      "select",
    ),
    h(
      "div",
      { class: "seller-price-row" },
      field("Price", {
        name: "amount",
        required: true,
        inputmode: "decimal",
        value: card ? fromMinor(price) : "",
        placeholder: "24.99",
      }),
      field(
        "Currency",
        { name: "currency", options: Object.keys(CURRENCIES).map((c) => [c, c]), value: price.currency },
        "select",
      ),
    ),
    field(
      "Description",
      { name: "description", maxlength: 5100, rows: 8, value: card ? card.description : "" },
      "textarea",
    ),
    attributesFieldset(card ? card.attributes : []),
    h("div", { class: "actions" }, h("button", { type: "submit" }, card ? "Save changes" : "Save the draft")),
  );
}

// The form as the API takes it; a price that is not an amount is refused here, before anything is sent.
function readForm(form, editing) {
  const typed = values(form, true);
  const amount = toMinor(typed.amount, typed.currency);
  if (!Number.isInteger(amount) || amount < 1) {
    const digits = CURRENCIES[typed.currency];
    const message = digits
      ? `must be an amount such as 24.99, with at most ${digits} decimals`
      : "must be a whole amount";
    throw new ApiError(422, { detail: "Check the price.", errors: [{ field: "price.amount", message }] });
  }
  const body = {
    title: typed.title,
    sku: typed.sku,
    brand: typed.brand,
    category_id: typed.category_id,
    price: { amount, currency: typed.currency },
    description: typed.description,
    attributes: readAttributes(form),
  };
  if (editing) {
    // Empty text clears these two; the API takes null for it.
    if (!body.description) body.description = null;
    if (!body.brand) body.brand = null;
  }
  return body;
}

// --- the page ---------------------------------------------------------------------------------------

export default async function product(ctx) {
  const id = ctx.params.id;
  const base = id ? `/seller/products/${encodeURIComponent(id)}` : "";
  const [tree, found, images, stock] = await Promise.all([
    api("GET", "/categories"),
    id ? api("GET", base) : null,
    id ? api("GET", `${base}/images`) : null,
    id ? api("GET", `${base}/stock`) : null,
  ]);
  if (ctx.stale()) return;
  let card = found;
  title(card ? card.title : "New product");

  const form = detailsForm(card, tree.items);
  if (!card) {
    form.addEventListener(
      "submit",
      submitting(async () => {
        const created = await api("POST", "/seller/products", { body: readForm(form, false) });
        toast("Draft saved. Add images and stock, then submit it for review.");
        ctx.navigate(`/seller/products/${encodeURIComponent(created.id)}`, { replace: true });
      }),
    );
    consolePage(
      ctx.main,
      ctx.path,
      "New product",
      h(
        "div",
        { class: "seller-product" },
        h("div", {}, h("h2", {}, "Details"), form),
        h(
          "div",
          {},
          h("h2", {}, "What happens next"),
          h(
            "ol",
            {},
            h("li", {}, "Save the draft: customers do not see it yet."),
            h("li", {}, "Add its images and the units you have in stock."),
            h("li", {}, "Submit it for review: the shop's checks and, when they ask for one, a moderator look at it."),
            h("li", {}, "Once approved it is published; if it is rejected, you see why and can change it."),
          ),
        ),
      ),
    );
    return;
  }

  const heading = h("h1", {}, card.title);
  const statusBox = h("section", { class: "panel seller-card", "aria-labelledby": "status-heading" });
  const imagesBox = h("div");
  const stockBox = h("div");

  // An archived card cannot change: every control of the page's forms is off.
  const lock = () => {
    for (const part of [form, imagesBox, stockBox]) {
      for (const control of part.querySelectorAll("input, select, textarea, button")) {
        control.disabled = card.status === "archived";
      }
    }
  };
  const show = (next) => {
    card = next;
    heading.textContent = card.title;
    title(card.title);
    drawStatus();
    lock();
  };

  function drawStatus() {
    const submit = h("button", { type: "button" }, "Submit for review");
    submit.addEventListener("click", () =>
      act(submit, async () => {
        await api("POST", `${base}/submit`);
        const after = await api("GET", base); // moderation may have decided already
        show(after);
        const said = { published: "Approved: it is in the shop.", rejected: "Rejected: see the reasons." };
        toast(said[after.status] || "Submitted: a moderator will look at it.");
      }),
    );
    const again = h("button", { type: "button", class: "secondary" }, "Check the status again");
    again.addEventListener("click", () => act(again, async () => show(await api("GET", base))));
    const archive = confirmButton(
      "Archive",
      "Archive this product for good? It leaves the shop and cannot be changed again.",
      "Yes, archive it",
      async () => {
        show(await api("POST", `${base}/archive`));
        toast("The product is archived.");
        statusBox.querySelector("h2").focus();
      },
    );
    const rejected = card.status === "rejected" && card.rejection_reasons.length;
    mount(
      statusBox,
      h("h2", { id: "status-heading", tabindex: "-1" }, "Status"),
      h("p", {}, productBadge(card.status), ` Revision ${card.revision}, changed ${date(card.updated_at, true)}.`),
      h("p", {}, statusHelp(card.status)),
      rejected
        ? h(
            "div",
            { class: "error", role: "alert" },
            h("p", {}, h("strong", {}, "Why it was rejected:")),
            h(
              "ul",
              {},
              card.rejection_reasons.map((reason) => h("li", {}, reason)),
            ),
          )
        : null,
      card.published_revision && card.status !== "archived"
        ? h(
            "p",
            {},
            card.status === "published"
              ? ""
              : `Customers see revision ${card.published_revision} until this one is approved. `,
            h("a", { href: `/products/${encodeURIComponent(card.id)}` }, "See it in the shop"),
          )
        : null,
      h(
        "div",
        { class: "actions" },
        card.status === "draft" ? submit : null,
        card.status === "pending_moderation" ? again : null,
        card.status !== "archived" ? archive : null,
        card.published_revision
          ? h("a", { href: `/seller/reviews?product_id=${encodeURIComponent(card.id)}` }, "Its reviews")
          : null,
      ),
      h("div", { class: "seller-status-error" }),
    );
  }

  // Run `action` with `button` busy; an API error shows under the status.
  async function act(button, action) {
    const box = statusBox.querySelector(".seller-status-error");
    box.replaceChildren();
    try {
      await busy(button, action);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      mount(box, errorBox(error));
    }
  }

  form.addEventListener(
    "submit",
    submitting(async () => {
      const saved = await api("PATCH", base, { body: readForm(form, true) });
      const newRevision = saved.revision !== card.revision;
      show(saved);
      toast(newRevision ? "Saved as a new draft revision: submit it for review." : "Saved.");
    }),
  );

  drawImages(imagesBox, base, card, images.items);
  drawStock(stockBox, base, stock);
  show(card);
  consolePage(
    ctx.main,
    ctx.path,
    heading,
    statusBox,
    h(
      "div",
      { class: "seller-product" },
      h("div", {}, h("h2", {}, "Details"), form),
      h("div", {}, h("h2", {}, "Images"), imagesBox, h("h2", {}, "Stock"), stockBox),
    ),
  );
}

// --- images -----------------------------------------------------------------------------------------

// Ask where to upload, send the file's bytes there (the one request that is not to /api/v1: the object
// store's presigned URL, with exactly the headers the API gave), then confirm the image.
async function upload(base, file) {
  const pending = await api("POST", `${base}/images`, { body: { content_type: file.type, size: file.size } });
  const target = pending.upload;
  let response;
  try {
    response = await fetch(target.url, {
      method: target.method,
      headers: target.headers,
      body: file,
      credentials: "omit",
    });
  } catch (error) {
    response = null;
  }
  if (!response || !response.ok) {
    await api("DELETE", `${base}/images/${encodeURIComponent(pending.image_id)}`).catch(() => undefined);
    const type = response ? response.headers.get("Content-Type") || "" : "";
    const problem = type.includes("json") ? await response.json().catch(() => null) : null;
    throw new ApiError(
      response ? response.status : 0,
      problem || { detail: "The image could not be uploaded. Try again." },
    );
  }
  return api("POST", `${base}/images/${encodeURIComponent(pending.image_id)}/confirm`);
}

function drawImages(box, base, card, items) {
  const reload = async () => drawImages(box, base, card, (await api("GET", `${base}/images`)).items);
  const list = h(
    "ul",
    { class: "seller-images" },
    items.map((item, i) => {
      const remove = h(
        "button",
        { type: "button", class: "secondary", "aria-label": `Remove image ${i + 1}` },
        "Remove",
      );
      remove.addEventListener("click", () =>
        busy(remove, async () => {
          try {
            await api("DELETE", `${base}/images/${encodeURIComponent(item.image_id)}`);
            toast("Image removed.");
            await reload();
            box.querySelector("input[type=file]").focus();
          } catch (error) {
            mount(box.querySelector(".seller-images-error"), errorBox(error));
          }
        }),
      );
      return h(
        "li",
        {},
        item.url ? image(item.url, `Image ${i + 1} of ${card.title}`, 120, true) : h("div", { class: "noimage" }),
        h("span", { class: "muted" }, item.status === "ready" ? `Image ${i + 1}` : label(item.status)),
        remove,
      );
    }),
  );
  const form = h(
    "form",
    { class: "form", novalidate: true },
    field("Add an image (PNG, JPEG or WebP)", {
      name: "image",
      type: "file",
      accept: IMAGE_TYPES.join(","),
      required: true,
    }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Upload the image")),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const file = form.elements.namedItem("image").files[0];
      if (!file || !IMAGE_TYPES.includes(file.type)) {
        const message = file ? "must be a PNG, JPEG or WebP image" : "choose a file first";
        throw new ApiError(422, { detail: "Choose an image to upload.", errors: [{ field: "image", message }] });
      }
      await upload(base, file);
      toast("Image added.");
      await reload();
      box.querySelector("input[type=file]").focus();
    }),
  );
  mount(
    box,
    items.length ? list : h("p", { class: "muted" }, "No images yet: a product with images sells better."),
    h("div", { class: "seller-images-error" }),
    form,
  );
}

// --- stock ------------------------------------------------------------------------------------------

function drawStock(box, base, stock) {
  const form = h(
    "form",
    { class: "form", novalidate: true },
    field("Units on hand", {
      name: "quantity",
      type: "number",
      inputmode: "numeric",
      min: stock.reserved,
      max: 1000000,
      step: 1,
      required: true,
      value: String(stock.on_hand),
    }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save the stock")),
  );
  form.addEventListener(
    "submit",
    submitting(async () => {
      const text = values(form, true).quantity;
      if (!/^\d+$/.test(text)) {
        throw new ApiError(422, {
          detail: "Check the units on hand.",
          errors: [{ field: "quantity", message: "must be a whole number" }],
        });
      }
      const saved = await api("PUT", `${base}/stock`, { body: { quantity: Number(text) } });
      drawStock(box, base, saved);
      toast("Stock saved.");
      box.querySelector("input").focus();
    }),
  );
  mount(
    box,
    facts([
      ["On hand", h("span", { class: "seller-stock-on-hand" }, String(stock.on_hand))],
      ["Reserved by orders", String(stock.reserved)],
      ["Available to sell", String(stock.available)],
    ]),
    form,
  );
}
