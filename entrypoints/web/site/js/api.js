// The public API, as the pages call it: /api/v1 and nothing else (tests/browser checks every request the
// browser made against /api/openapi.json).
//
// The session is an HttpOnly cookie this code cannot read; what it keeps is the session's CSRF token, in
// memory, sent with every change. A guest's cart token is kept in localStorage so the cart outlives the
// visit, and is sent with the login so the guest's cart joins the customer's.

const BASE = "/api/v1";
const CART_KEY = "marketplace.cart";
const SIGNED_IN_KEY = "marketplace.signed-in";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `the server answered ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = (problem && problem.errors) || [];
  }

  // The message of the field named `field`, if the server named it.
  field(field) {
    const found = this.errors.find((e) => e.field === field || e.field.endsWith(`.${field}`));
    return found ? found.message : "";
  }
}

export const session = {
  csrf: "",
  me: null, // GET /me: user_id, email, roles, ...
  get signedIn() {
    return this.me !== null;
  },
  // As the server decides: an admin holds every role.
  has(role) {
    return this.holds(role) || this.holds("admin");
  },
  // The role itself, as given to this account.
  holds(role) {
    return Boolean(this.me && this.me.roles && this.me.roles.includes(role));
  },
};

export const cart = {
  get token() {
    return localStorage.getItem(CART_KEY) || "";
  },
  set token(value) {
    if (value) localStorage.setItem(CART_KEY, value);
    else localStorage.removeItem(CART_KEY);
  },
};

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// api("GET", "/products/1", {query: {...}}), api("POST", "/orders", {body: {...}, headers: {...}}):
// the JSON answer (null for 204), or an ApiError carrying the problem document.
export async function api(method, path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  const init = { method, headers, credentials: "same-origin" };
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method) && session.csrf) headers["X-CSRF-Token"] = session.csrf;
  if (options.cart && cart.token) headers["X-Cart-Token"] = cart.token;
  let response;
  try {
    response = await fetch(BASE + path + query(options.query), init);
  } catch (error) {
    throw new ApiError(0, { detail: "The shop cannot be reached. Check your connection and try again." });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401 && session.me) forget();
    throw new ApiError(response.status, body);
  }
  return body;
}

function forget() {
  session.csrf = "";
  session.me = null;
  localStorage.removeItem(SIGNED_IN_KEY);
}

// At page load: the session, if this browser opened one (a guest asks nothing, so a guest's console
// shows no 401).
export async function restore() {
  if (!localStorage.getItem(SIGNED_IN_KEY)) return;
  try {
    const opened = await api("GET", "/auth/session");
    session.csrf = opened.csrf_token;
    session.me = await api("GET", "/me");
  } catch (error) {
    forget();
  }
}

export async function logIn(email, password) {
  const opened = await api("POST", "/auth/session", { body: { email, password }, cart: true });
  session.csrf = opened.csrf_token;
  localStorage.setItem(SIGNED_IN_KEY, "1");
  cart.token = ""; // the guest's cart is the customer's now
  session.me = await api("GET", "/me");
  return session.me;
}

export async function logOut() {
  try {
    await api("DELETE", "/auth/session");
  } finally {
    forget();
  }
}

// The cart routes: the customer's cart by the session, a guest's by the token (made at the first add).
export async function cartCall(method, path, options = {}) {
  if (!session.signedIn && !cart.token && method !== "GET") {
    cart.token = (await api("POST", "/cart/guest")).cart_token;
  }
  if (!session.signedIn && !cart.token) return null;
  try {
    return await api(method, path, { ...options, cart: !session.signedIn });
  } catch (error) {
    // An expired guest cart: start a new one next time.
    if (!session.signedIn && (error.status === 404 || error.status === 422)) cart.token = "";
    throw error;
  }
}

// A key for a change the user may send twice (a double click, a retried request): same key, one effect.
export function idempotencyKey() {
  return crypto.randomUUID();
}
