// Home: the categories, and the shopper's recommendations (the base feed for a guest or a new customer).
import { api, session } from "../api.js";
import { h, mount } from "../dom.js";
import { grid, title } from "../ui.js";

export default async function home({ main }) {
  title("");
  const [categories, recommended] = await Promise.all([
    api("GET", "/categories"),
    api("GET", "/recommendations", { query: { limit: 12 } }),
  ]);
  const personal = recommended.source === "personal";
  mount(
    main,
    h("h1", {}, session.signedIn ? "Welcome back" : "Shop independent sellers"),
    h("h2", { id: "categories" }, "Categories"),
    h(
      "ul",
      { class: "chips", "aria-labelledby": "categories" },
      categories.items.flatMap((top) => [
        h("li", {}, h("a", { href: `/search?category=${encodeURIComponent(top.id)}` }, top.name)),
        ...top.children.map((child) =>
          h("li", {}, h("a", { href: `/search?category=${encodeURIComponent(child.id)}` }, child.name)),
        ),
      ]),
    ),
    h("h2", {}, personal ? "Recommended for you" : "Popular right now"),
    grid(recommended.items, "Nothing to recommend yet."),
  );
}
