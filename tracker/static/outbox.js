// The tablet's outbox: a visit saved on the tablet waits in IndexedDB until the server has confirmed the visit and
// every photo. On every page of a logged-in user: sends when the app starts, when the connection returns and with
// capped backoff in between (Safari has no background sync), keeps the header's count, and asks before a logout
// loses items. The visit form (visits.js) and the outbox page (outbox-page.js) use it through Pishraft.outbox.
(function () {
  "use strict";

  const meta = document.querySelector('meta[name="outbox"]');
  if (!meta) return; // nobody is logged in
  const TEXT = JSON.parse(meta.content);
  // Without these (plain http, an old browser) the visit form posts as it always did, online only.
  const usable = window.isSecureContext && "indexedDB" in window && !!(window.crypto && crypto.subtle);
  const DELAYS = [5, 15, 30, 60, 120, 300]; // seconds to the next try while items wait: capped at five minutes
  const STALL_MS = 30000; // no byte moved for this long: the send has stalled
  const FIELDS_BYTES = 2000; // the visit's fields, weighed against its photos for the progress bar
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_m, key) => values[key] ?? "");
  const digits = (text) => (window.Pishraft && Pishraft.toLocalDigits ? Pishraft.toLocalDigits(text) : String(text));

  class Retry extends Error {} // the item stays waiting: no connection, a stall, a server error, an ended login
  class Refusal extends Error { // the server said no: the item waits for the user to correct or discard it
    constructor(errors) { super(TEXT.refused); this.errors = errors; }
  }

  // ---- the store: one record per visit, its photos' blobs inside it, so an item is saved in one transaction ----
  let opened;
  function database() {
    opened ||= new Promise((resolve, reject) => {
      const request = indexedDB.open("pishraft-outbox", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("visits", { keyPath: "id" });
      request.onsuccess = () => {
        // iPadOS closes the connection of a page left in the background: the next use opens a new one.
        request.result.onclose = () => { opened = null; };
        resolve(request.result);
      };
      request.onerror = () => { opened = null; reject(request.error); };
    });
    return opened;
  }

  async function begin(mode) {
    try {
      return (await database()).transaction("visits", mode);
    } catch (error) {
      if (error.name !== "InvalidStateError") throw error; // closed under us without a close event (iPadOS)
      opened = null;
      return (await database()).transaction("visits", mode);
    }
  }

  async function run(mode, work) {
    const transaction = await begin(mode);
    return new Promise((resolve, reject) => {
      const request = work(transaction.objectStore("visits"));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }

  const mine = (item) => item && item.user === TEXT.user;
  const items = async () => (await run("readonly", (store) => store.getAll())).filter(mine)
    .sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  const get = async (id) => { const item = await run("readonly", (store) => store.get(id)); return mine(item) ? item : null; };
  const put = (item) => run("readwrite", (store) => store.put(item));
  const remove = (id) => run("readwrite", (store) => store.delete(id));

  // Tell the form, the outbox page and the header how an item is doing.
  function report(item, detail) {
    document.dispatchEvent(new CustomEvent("pishraft:outbox", { detail: { id: item.id, state: item.state, ...detail } }));
  }

  // ---- saving: refused before anything is lost when the tablet's storage cannot hold the item -----------------
  async function save(item) {
    const bytes = item.photos.reduce((sum, photo) => sum + photo.blob.size, FIELDS_BYTES);
    if (navigator.storage && navigator.storage.estimate) {
      const { usage, quota } = await navigator.storage.estimate();
      if (quota && usage + bytes > quota) throw new Error(TEXT.full);
    }
    // Asked once, so the browser does not evict waiting visits when the tablet runs short of space.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => undefined);
    const previous = await get(item.id);
    if (previous && previous.state !== "failed") return previous; // frozen once sending began: the form was sent twice
    Object.assign(item, { user: TEXT.user, state: "waiting", message: "", errors: {}, savedAt: new Date().toISOString() });
    try {
      await put(item);
    } catch (error) {
      throw error && error.name === "QuotaExceededError" ? new Error(TEXT.full) : error;
    }
    showCount();
    return item;
  }

  // ---- sending ----------------------------------------------------------------------------------------------
  // One POST with the upload's progress (fetch has none) and a watchdog for a link that stops moving.
  function post(url, body, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      let watchdog;
      const alive = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => { xhr.abort(); reject(new Retry(TEXT.stalled)); }, STALL_MS);
      };
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (event) => { alive(); progress(event.loaded); };
      xhr.onprogress = alive;
      xhr.onerror = () => { clearTimeout(watchdog); reject(new Retry(TEXT.offline)); };
      xhr.onload = () => {
        clearTimeout(watchdog);
        try { resolve(answer(xhr)); } catch (error) { reject(error); }
      };
      alive();
      xhr.send(body);
    });
  }

  function answer(xhr) {
    let json = null;
    try { json = JSON.parse(xhr.responseText); } catch (_error) { /* a page: the login's, after a redirect */ }
    if (xhr.status < 300 && json && json.visit) return json;
    if (xhr.status === 401 || (xhr.status < 300 && !json)) throw new Retry(TEXT.log_in);
    if (xhr.status >= 400 && xhr.status < 500 && xhr.status !== 408 && xhr.status !== 429) {
      throw new Refusal((json && json.errors) || {});
    }
    throw new Retry(TEXT.server);
  }

  // The token in a page kept offline may have expired: a fresh one, and whether this item's user is logged in.
  async function formToken() {
    let answer;
    try {
      answer = await (await fetch(TEXT.token, { cache: "no-store", credentials: "same-origin" })).json();
    } catch (_error) {
      throw new Retry(TEXT.offline);
    }
    if (answer.user !== TEXT.user) throw new Retry(TEXT.log_in);
    return answer.token;
  }

  function formData(entries, token) {
    const data = new FormData();
    entries.forEach(([name, value, filename]) => (filename ? data.append(name, value, filename) : data.append(name, value)));
    data.append("csrf_token", token);
    return data;
  }

  // Send one item: the visit, then each photo the server does not hold yet; deleted only when all have arrived.
  async function send(item, token) {
    item.state = "sending"; // frozen from here: the form no longer replaces it
    item.message = "";
    item.errors = {};
    await put(item);
    const total = item.photos.reduce((sum, photo) => sum + photo.blob.size, FIELDS_BYTES);
    let done = 0;
    const progress = (loaded) => report(item, { sent: Math.min(total, done + loaded), total });
    progress(0);
    try {
      let stored = await post(item.action, formData(item.fields, token), () => progress(0));
      const { next } = stored; // where the form goes: the photos' answers name only the visit's page
      done = FIELDS_BYTES;
      for (const photo of item.photos) {
        if (!stored.photos.includes(photo.sha256)) {
          const url = TEXT.photo.replace(/0{8}-0{4}-0{4}-0{4}-0{12}/, item.id).replace(/0{64}/, photo.sha256);
          const fields = [["photo", photo.blob, photo.name], ["caption", photo.caption], ["photo_id", photo.id]];
          stored = await post(url, formData(fields, token), progress);
        }
        done += photo.blob.size;
      }
      await remove(item.id);
      item.state = "sent";
      report(item, { sent: total, total, next });
    } catch (error) {
      item.state = error instanceof Refusal ? "failed" : "waiting";
      item.message = error instanceof Refusal || error instanceof Retry ? error.message : TEXT.server;
      item.errors = error instanceof Refusal ? error.errors : {};
      await put(item);
      report(item, { message: item.message, errors: item.errors });
      if (!(error instanceof Refusal)) throw error instanceof Retry ? error : new Retry(TEXT.server);
    } finally {
      showCount();
    }
  }

  let failures = 0;
  let timer;
  let rounds = Promise.resolve();

  // Send every waiting item of this user, oldest first; on a Retry, stop and try again later, each time later.
  async function round() {
    const waiting = (await items()).filter((item) => item.state !== "failed");
    try {
      if (waiting.length) {
        const token = await formToken();
        for (const item of waiting) await send(item, token);
      }
      failures = 0;
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      // Each item still waiting says why: in the form that saved it, on the outbox page.
      for (const item of (await items()).filter((stored) => stored.state === "waiting")) {
        item.message = error.message;
        await put(item);
        report(item, { message: item.message });
      }
      failures += 1;
      timer = setTimeout(sendSoon, DELAYS[Math.min(failures, DELAYS.length) - 1] * 1000);
    }
  }

  // Rounds run one after another on this page, and in turn with other tabs of the app (Web Locks, where there).
  function sendSoon() {
    clearTimeout(timer);
    const locked = () => (navigator.locks ? navigator.locks.request("pishraft-outbox", round) : round());
    rounds = rounds.then(locked).catch(() => undefined);
    return rounds;
  }

  // Send at once (the form's save, the outbox page's button); a failed item, corrected or not, waits again first.
  async function sendNow(id) {
    const item = await get(id);
    if (item && item.state === "failed") {
      item.state = "waiting";
      await put(item);
    }
    failures = 0;
    return sendSoon();
  }

  // ---- the header's count ----------------------------------------------------------------------------------
  async function showCount() {
    const link = document.querySelector("[data-outbox-link]");
    if (!link || !usable) return;
    const waiting = await items();
    link.hidden = waiting.length === 0;
    link.classList.toggle("has-failed", waiting.some((item) => item.state === "failed"));
    link.querySelector("[data-outbox-count]").textContent = digits(waiting.length);
  }

  // ---- logging out with items waiting: ask, since logout clears the tablet's storage ---------------------------
  document.addEventListener("pishraft:before-logout", (event) => {
    if (!usable) return;
    event.detail.waitUntil(items().then(
      (waiting) => waiting.length === 0 || window.confirm(fill(TEXT.logout, { count: digits(waiting.length) })),
      () => true,
    ));
  });

  const discard = async (id) => { await remove(id); showCount(); };
  // For the visit form (visits.js) and the outbox page (outbox-page.js); null where the outbox cannot work.
  window.Pishraft = Object.assign(window.Pishraft || {}, {
    outbox: usable ? { save, get, items, sendNow, discard, words: TEXT } : null,
  });

  document.addEventListener("DOMContentLoaded", () => {
    if (!usable) return;
    showCount();
    sendSoon();
  });
  window.addEventListener("online", () => { failures = 0; sendSoon(); });
})();
