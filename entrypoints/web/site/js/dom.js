// Building the page. Every text from the API goes in as a text node or an attribute value, never as
// markup: nothing here (or anywhere in the client) parses HTML, so a product title, a review or a name
// holding `<script>` shows as those characters. tests/unit/web/test_site.py keeps it so.

const SVG = "http://www.w3.org/2000/svg";

function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

function apply(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" || key === "checked" || key === "selected") {
      el[key] = value;
    } else if (key.startsWith("on")) {
      throw new Error(`an event handler must be a function: ${key}`);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

// h("a", {href: "/cart", class: "x"}, "Cart ", count): an element with its attributes and children.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(props || {})) el.setAttribute(key, String(value));
  append(el, children);
  return el;
}

// Replace what `el` shows by `children`.
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

// The named fields of a form as an object of strings (empty ones left out unless `keepEmpty`).
export function values(form, keepEmpty = false) {
  const out = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value !== "string") continue;
    const trimmed = value.trim();
    if (trimmed || keepEmpty) out[name] = trimmed;
  }
  return out;
}
