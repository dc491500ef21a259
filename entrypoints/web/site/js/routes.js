// Every page of the client: its path (":name" is a parameter), the module that renders it, and who may
// see it. A module's default export is `async (ctx) => {...}` filling ctx.main; it is loaded the first time
// its page is shown, so the storefront never downloads the consoles. The server serves the shell for
// each first path segment here (entrypoints/web/__init__.py: PAGES and CONSOLES).

export const routes = [
  // The storefront (the web and mobile client).
  { path: "/", module: "./store/home.js" },
  { path: "/search", module: "./store/search.js" },
  { path: "/products/:id", module: "./store/product.js" },
  { path: "/sellers/:id", module: "./store/seller.js" },
  { path: "/cart", module: "./store/cart.js" },
  { path: "/checkout", module: "./store/checkout.js", login: true },
  { path: "/orders", module: "./store/orders.js", login: true },
  { path: "/orders/:id", module: "./store/order.js", login: true },
  { path: "/login", module: "./store/auth.js" },
  { path: "/register", module: "./store/auth.js" },
  { path: "/account", module: "./store/account.js", login: true },
  // The seller console: anyone signed in may apply; the rest needs the seller role.
  { path: "/seller", module: "./seller/home.js", login: true },
  { path: "/seller/profile", module: "./seller/profile.js", role: "seller" },
  { path: "/seller/products", module: "./seller/products.js", role: "seller" },
  { path: "/seller/products/new", module: "./seller/product.js", role: "seller" },
  { path: "/seller/products/:id", module: "./seller/product.js", role: "seller" },
  { path: "/seller/orders", module: "./seller/orders.js", role: "seller" },
  { path: "/seller/reviews", module: "./seller/reviews.js", role: "seller" },
  // The back office: moderators see the moderation queue, admins everything.
  { path: "/admin", module: "./admin/home.js", role: ["admin", "moderator"] },
  { path: "/admin/moderation", module: "./admin/moderation.js", role: ["admin", "moderator"] },
  { path: "/admin/moderation/:id", module: "./admin/case.js", role: ["admin", "moderator"] },
  { path: "/admin/sellers", module: "./admin/sellers.js", role: "admin" },
  { path: "/admin/users", module: "./admin/users.js", role: "admin" },
  { path: "/admin/orders", module: "./admin/orders.js", role: "admin" },
  { path: "/admin/payments", module: "./admin/payments.js", role: "admin" },
  { path: "/admin/shipments", module: "./admin/shipments.js", role: "admin" },
  { path: "/admin/sagas", module: "./admin/sagas.js", role: "admin" },
  { path: "/admin/analytics", module: "./admin/analytics.js", role: "admin" },
  { path: "/admin/sagas/:id", module: "./admin/saga.js", role: "admin" },
  // The logistics client.
  { path: "/carrier", module: "./carrier/shipments.js", role: "carrier" },
];

const compiled = routes.map((route) => {
  const names = [];
  const pattern = route.path.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  return { ...route, regex: new RegExp(`^${pattern}/?$`), names };
});

// The route of `pathname` and its parameters, or null.
export function match(pathname) {
  for (const route of compiled) {
    const found = route.regex.exec(pathname);
    if (found) {
      const params = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
      return { route, params };
    }
  }
  return null;
}
