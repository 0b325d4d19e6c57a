// The outbox page: the visits waiting on this tablet, each with its project, date, photos, state and the server's
// messages; send now, open a refused one in the form, download it as a file, or discard it. Uses Pishraft.outbox.
(function () {
  "use strict";

  const outbox = window.Pishraft && Pishraft.outbox;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_m, key) => values[key] ?? "");
  const digits = (text) => Pishraft.toLocalDigits(text);

  function dataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  // The last resort when the tablet cannot send: the item as a JSON file, its photos inside as data URLs.
  async function download(item) {
    const photos = await Promise.all(item.photos.map(async ({ blob, ...photo }) => ({ ...photo, data: await dataUrl(blob) })));
    const file = new Blob([JSON.stringify({ ...item, photos }, null, 1)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = `pishraft-visit-${item.visitedOn.replace(/\D+/g, "-")}-${item.id.slice(0, 8)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  async function drawPage(page) {
    const list = page.querySelector("[data-outbox-items]");
    const empty = page.querySelector("[data-outbox-empty]");
    if (!outbox) {
      empty.textContent = page.dataset.unsupported;
      empty.hidden = false;
      return;
    }
    const template = page.querySelector("template[data-outbox-item]");
    list.querySelectorAll("img").forEach((image) => URL.revokeObjectURL(image.src));
    list.replaceChildren();
    for (const item of await outbox.items()) {
      const row = template.content.firstElementChild.cloneNode(true);
      const slot = (name) => row.querySelector(`[data-slot="${name}"]`);
      row.dataset.id = item.id;
      slot("project").textContent = item.project;
      slot("date").textContent = digits(item.visitedOn);
      slot("state").textContent = outbox.words[item.state === "sending" ? "waiting" : item.state];
      slot("state").classList.add(`state-${item.state}`);
      slot("count").textContent = fill(page.dataset.photos, { count: digits(item.photos.length) });
      item.photos.forEach((photo) => {
        const image = document.createElement("img");
        image.src = URL.createObjectURL(photo.blob);
        image.alt = photo.caption || photo.name;
        const cell = document.createElement("li");
        cell.append(image);
        slot("photos").append(cell);
      });
      slot("message").textContent = item.message || "";
      Object.values(item.errors || {}).forEach((message) => {
        slot("errors").append(Object.assign(document.createElement("li"), { textContent: message }));
      });
      if (item.state === "failed") {
        slot("open").href = `${item.page}#outbox=${item.id}`;
        slot("open").hidden = false;
      }
      list.append(row);
    }
    empty.textContent = page.dataset.empty;
    empty.hidden = list.children.length > 0;
    const storage = page.querySelector("[data-outbox-storage]");
    if (navigator.storage && navigator.storage.estimate) {
      const { usage, quota } = await navigator.storage.estimate();
      const megabytes = (bytes) => (bytes / 1048576).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
      storage.textContent = fill(page.dataset.storage, { used: megabytes(usage), free: megabytes(quota - usage) });
      storage.hidden = false;
    }
  }

  function setUpPage(page) {
    // One drawing at a time: the items' events come quickly, and two drawings at once would list items twice.
    let drawing = Promise.resolve();
    const redraw = () => { drawing = drawing.then(() => drawPage(page)).catch(() => undefined); return drawing; };
    page.addEventListener("click", async (event) => {
      const button = event.target.closest("[data-do]");
      const row = button && button.closest("[data-id]");
      if (!row || !outbox) return undefined;
      const item = await outbox.get(row.dataset.id);
      if (!item) return redraw();
      if (button.dataset.do === "download") return download(item);
      if (button.dataset.do === "discard") {
        if (!window.confirm(page.dataset.discard)) return undefined;
        await outbox.discard(item.id);
        return redraw();
      }
      button.disabled = true;
      await outbox.sendNow(item.id);
      return redraw();
    });
    document.addEventListener("pishraft:outbox", (event) => {
      const row = page.querySelector(`[data-id="${event.detail.id}"]`);
      const bar = row && row.querySelector('[data-slot="progress"]');
      if (bar && event.detail.state === "sending") {
        bar.hidden = false;
        bar.value = Math.round((100 * event.detail.sent) / event.detail.total);
      } else {
        redraw();
      }
    });
    redraw();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const page = document.querySelector("[data-outbox-page]");
    if (page) setUpPage(page);
  });
})();
