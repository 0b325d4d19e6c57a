// Pishraft's service worker: the app shell from a versioned precache, each user's last-seen project pages from that
// user's own cache, and an offline page. It never touches a request other than a same-site GET.
"use strict";

// {version, precache, offline, outbox, static, userHeader}, filled in by the server (tracker/core/shell.py).
const SHELL = {{ shell | tojson }};
const SHELL_CACHE = `shell-${SHELL.version}`;
const PAGES = "pages-"; // + the user's id: shell.js deletes these caches on logout too
// The pages a director needs on site: the project list, a project's page, its new-visit form, the outbox.
const KEPT = [/^\/projects\/$/, /^\/projects\/[^/]+$/, /^\/visits\/new\/[^/]+$/, /^\/visits\/outbox$/];
const MAX_PAGES = 50;
const NETWORK_TIMEOUT_MS = 3500;

self.addEventListener("install", (event) => {
  // A static file's name carries its content's digest, so the HTTP cache's copy (the page just loaded it) is the
  // right one; the offline page is fetched again ("reload"), never taken from an older version in the HTTP cache.
  const requests = SHELL.precache.map((url) =>
    new Request(url, { cache: url.startsWith(SHELL.static) ? "default" : "reload" }));
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("shell-") && name !== SHELL_CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return; // straight to the network
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith(SHELL.static)) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)));
  } // htmx fragments, photos, downloads: the network only
});

// Network first; after NETWORK_TIMEOUT_MS the kept copy if there is one; offline, the kept copy or the offline page.
async function navigate(event) {
  const { request } = event;
  const network = fetch(request);
  // Registered first, so that it copies the response before the page reads it.
  event.waitUntil(network.then((response) => remember(request.url, response), () => undefined));
  const answer = network.catch(() => null);
  let response = await Promise.race([answer, sleep(NETWORK_TIMEOUT_MS).then(() => "slow")]);
  if (response === "slow") response = (await keptPage(request.url)) || (await answer);
  return response || (await keptPage(request.url)) || (await caches.match(SHELL.offline, { cacheName: SHELL_CACHE }))
    || new Response("offline", { status: 503 });
}

// Keep a page of the logged-in user's projects in that user's cache; forget every other user's pages.
async function remember(url, response) {
  const copy = response.clone();
  // A redirect to follow has no headers to read; a PDF or a spreadsheet is not a page to keep.
  if (response.type !== "basic" || !(response.headers.get("Content-Type") || "").startsWith("text/html")) return;
  const user = response.headers.get(SHELL.userHeader);
  const own = user ? PAGES + user : null; // nobody is logged in (the login page): no page stays
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PAGES) && name !== own).map((name) => caches.delete(name)));
  if (!own || response.status !== 200 || response.redirected || !KEPT.some((kept) => kept.test(new URL(url).pathname))) {
    return;
  }
  const cache = await caches.open(own);
  await cache.put(url, copy); // a page seen again moves to the end: the oldest go first
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((key) => cache.delete(key)));
  await keepOutbox(cache, user);
}

// The outbox page goes with the user's pages, so a visit saved offline can be followed there, opened before or not.
async function keepOutbox(cache, user) {
  if (await cache.match(SHELL.outbox)) return;
  const response = await fetch(SHELL.outbox, { credentials: "same-origin" }).catch(() => null);
  if (response && response.ok && !response.redirected && response.headers.get(SHELL.userHeader) === user) {
    await cache.put(SHELL.outbox, response);
  }
}

// The kept copy of a page. Every online page leaves only its user's cache, so a second one would be a mix-up: none.
async function keptPage(url) {
  const names = (await caches.keys()).filter((name) => name.startsWith(PAGES));
  if (names.length !== 1) return undefined;
  return (await caches.open(names[0])).match(url, { ignoreVary: true });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
