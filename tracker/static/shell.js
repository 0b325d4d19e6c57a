// The installable shell's page side: registers the service worker (/sw.js), forgets the user's kept pages on
// logout, and on the offline page lists the pages this tablet can still open.
(function () {
  "use strict";

  const PAGES = "pages-"; // the per-user page caches of sw.js

  if ("serviceWorker" in navigator && navigator.onLine) {
    // Without a worker (refused, or an old browser) the app works online as before.
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  }

  async function pageCaches() {
    return "caches" in window ? (await caches.keys()).filter((name) => name.startsWith(PAGES)) : [];
  }

  async function forgetPages() {
    await Promise.all((await pageCaches()).map((name) => caches.delete(name)));
  }

  // Logging out. Hook for the outbox: a "pishraft:before-logout" listener may call event.detail.waitUntil(promise);
  // a promise answering false (or failing) keeps the user logged in, say after asking about items waiting to be sent.
  // Then the kept pages go (the server's Clear-Site-Data does it too, where the browser knows that header).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-logout")) return;
    event.preventDefault();
    const answers = [];
    document.dispatchEvent(new CustomEvent("pishraft:before-logout", { detail: { waitUntil: (p) => answers.push(p) } }));
    Promise.all(answers).then(async (oks) => {
      if (oks.includes(false)) return;
      // Never kept from logging out by a cache that does not answer.
      await Promise.race([forgetPages().catch(() => undefined), new Promise((done) => setTimeout(done, 2000))]);
      form.submit();
    }, () => undefined);
  });

  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-reload]")) window.location.reload();
  });

  // The offline page: the kept pages, newest first, by their titles.
  async function listKeptPages(list) {
    for (const name of await pageCaches()) {
      const cache = await caches.open(name);
      for (const request of (await cache.keys()).reverse()) {
        const html = await (await cache.match(request)).text();
        const link = document.createElement("a");
        link.href = request.url;
        link.textContent = new DOMParser().parseFromString(html, "text/html").title || new URL(request.url).pathname;
        const item = document.createElement("li");
        item.append(link);
        list.append(item);
      }
    }
    if (list.children.length) list.closest("[hidden]")?.removeAttribute("hidden");
  }

  const kept = document.querySelector("[data-kept-pages]");
  if (kept) listKeptPages(kept).catch(() => undefined);
})();
