// Visit and meeting forms: photo previews with a caption each, the tablet's location, rows that repeat; a new
// visit saved through the tablet's outbox.
// Everything here is optional: without it the forms still post (one photo set, no captions, fixed rows).
(function () {
  "use strict";

  // crypto.randomUUID needs a secure context; a tablet on the office network may reach the app over plain http.
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_m, key) => values[key] ?? "");

  // ---- photos: one file input holds every chosen photo; each preview has its caption -------------------
  function setUpPhotos(picker) {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    const input = picker.querySelector("input[type=file]");
    const list = picker.querySelector("[data-photo-previews]");
    const message = picker.querySelector("[data-photo-message]");
    const maxBytes = Number(picker.dataset.maxBytes);
    const chosen = []; // {file, id, url}

    function sync() {
      const transfer = new DataTransfer();
      chosen.forEach((photo) => transfer.items.add(photo.file));
      input.files = transfer.files;
    }

    function preview(photo) {
      const item = document.createElement("li");
      const image = document.createElement("img");
      image.src = photo.url;
      image.alt = photo.file.name;
      const caption = document.createElement("input");
      caption.name = "photo_caption";
      caption.maxLength = 300;
      caption.placeholder = picker.dataset.captionLabel;
      caption.setAttribute("aria-label", `${picker.dataset.captionLabel}: ${photo.file.name}`);
      const id = document.createElement("input");
      id.type = "hidden";
      id.name = "photo_id";
      id.value = photo.id;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "remove-row";
      remove.textContent = picker.dataset.removeLabel;
      remove.addEventListener("click", () => {
        chosen.splice(chosen.indexOf(photo), 1);
        URL.revokeObjectURL(photo.url);
        item.remove();
        sync();
      });
      item.append(image, caption, id, remove);
      list.append(item);
    }

    input.addEventListener("change", () => {
      const refused = [];
      // The input now holds only the new choice: add it to the photos chosen before.
      Array.from(input.files).forEach((file) => {
        if (chosen.some((photo) => photo.file === file)) return;
        if (file.size > maxBytes) {
          refused.push(fill(picker.dataset.tooLarge, { name: file.name }));
          return;
        }
        const photo = { file, id: newId(), url: URL.createObjectURL(file) };
        chosen.push(photo);
        preview(photo);
      });
      message.textContent = refused.join(" ");
      sync();
    });
  }

  // ---- location from the browser ------------------------------------------------------------------------
  function setUpLocation(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    const fields = {};
    box.querySelectorAll("[data-location-field]").forEach((f) => { fields[f.dataset.locationField] = f; });
    const status = box.querySelector("[data-location-status]");
    const clear = box.querySelector("[data-clear-location]");

    box.querySelector("[data-geolocate]").addEventListener("click", () => {
      if (!navigator.geolocation || !window.isSecureContext) {
        status.textContent = box.dataset.unsupported;
        return;
      }
      status.textContent = box.dataset.waiting;
      navigator.geolocation.getCurrentPosition((position) => {
        fields.latitude.value = position.coords.latitude.toFixed(6);
        fields.longitude.value = position.coords.longitude.toFixed(6);
        fields.accuracy.value = Math.round(position.coords.accuracy);
        const meters = Pishraft.toLocalDigits(Math.round(position.coords.accuracy));
        status.textContent = fill(box.dataset.saved, { meters });
        clear.hidden = false;
      }, (error) => {
        status.textContent = fill(box.dataset.failed, { reason: error.message });
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
    clear.addEventListener("click", () => {
      Object.values(fields).forEach((f) => { f.value = ""; });
      status.textContent = "";
      clear.hidden = true;
    });
  }

  // ---- rows that repeat ---------------------------------------------------------------------------------
  function addRow(button) {
    const form = button.closest("form");
    const kind = button.dataset.addRow;
    const rows = form.querySelector(`[data-rows="${kind}"]`);
    const template = form.querySelector(`template[data-row-template="${kind}"]`);
    const index = Number(rows.dataset.nextIndex || rows.children.length);
    rows.dataset.nextIndex = index + 1;
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replaceAll("__index__", String(index));
    const row = holder.firstElementChild;
    const id = row.querySelector('input[type=hidden][name$="-id"]');
    if (id) id.value = newId();
    rows.append(row);
    // Let other scripts (the Jalali date picker) enhance the new inputs.
    row.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true, detail: { elt: row } }));
    if (kind === "agenda") refreshAgendaChoices(form);
    const first = row.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  }

  // A meeting's decision may name one of the agenda items typed above it.
  function refreshAgendaChoices(form) {
    const items = Array.from(form.querySelectorAll("[data-agenda-rows] [data-row]")).map((row, position) => {
      const title = row.querySelector("[data-agenda-title]");
      const id = row.querySelector('input[type=hidden][name$="-id"]');
      const number = Pishraft.toLocalDigits(position + 1);
      return { value: id ? id.value : "", label: `${number}. ${title ? title.value : ""}` };
    }).filter((item) => item.value);
    form.querySelectorAll("select[data-agenda-choice]").forEach((select) => {
      const current = select.value;
      Array.from(select.options).slice(1).forEach((option) => option.remove());
      items.forEach((item) => select.add(new Option(item.label, item.value, false, item.value === current)));
    });
  }

  // ---- a too large upload: say so above the form instead of replacing it -------------------------------
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.target;
    if (event.detail.xhr.status !== 413 || !form.matches || !form.matches("[data-upload-form]")) return;
    const box = form.querySelector("[data-upload-error]");
    box.innerHTML = event.detail.serverResponse;
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
    event.detail.shouldSwap = false;
  });

  // ---- a new visit through the tablet's outbox (outbox.js): photos shrunk here, progress, kept until confirmed ----
  const DISPLAY_PX = 2048; // the server's display size: a 12 MP photo leaves the tablet as a few hundred KB
  // A detailed 12 MP photo came out at 730 KB at quality 0.8 in Chromium: lower the quality until it fits "a few
  // hundred KB", so that two photos cross a 20 KB/s link in under a minute.
  const QUALITIES = [0.8, 0.65, 0.5];
  const TARGET_BYTES = 450 * 1024;
  const NOT_FIELDS = new Set(["csrf_token", "photos", "photo_caption", "photo_id"]); // the outbox adds or sends these

  // The photo at the display size as a JPEG; one the browser cannot draw goes as it is, for the server to judge.
  async function shrink(file) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch (_error) {
      return file;
    }
    const scale = Math.min(1, DISPLAY_PX / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.type === "image/jpeg") return file;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    let blob = file;
    for (const quality of QUALITIES) {
      blob = (await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality))) || file;
      if (blob.size <= TARGET_BYTES) break;
    }
    return blob;
  }

  async function sha256(blob) {
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function say(form, text) {
    form.querySelector("[data-outbox-status]").textContent = text;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-outbox-error]").forEach((line) => line.remove());
    form.querySelector("[data-upload-error]").hidden = true;
  }

  // The server's messages next to their fields (a photo's by the photos), the rest above the form.
  function showErrors(form, errors, message) {
    const top = form.querySelector("[data-upload-error]");
    const line = (box, text) => {
      const paragraph = Object.assign(document.createElement("p"), { className: "error", textContent: text });
      paragraph.dataset.outboxError = "";
      box.append(paragraph);
      box.hidden = false;
      return box;
    };
    line(top, message);
    let first = null;
    Object.entries(errors || {}).forEach(([name, text]) => {
      const box = form.querySelector(`#errors-${CSS.escape(name.startsWith("photos") ? "photos" : name)}`);
      first ||= box;
      line(box || top, text);
    });
    (first || top).scrollIntoView({ block: "center" });
  }

  // Each opening of a kept form is a new visit: new ids, never those of the visit saved from it before.
  function freshIds(form) {
    form.elements.visit_id.value = newId();
    form.querySelectorAll('input[type=hidden][name$="-id"]').forEach((input) => { input.value = newId(); });
  }

  // A refused item opened again from the outbox: its fields, rows, photos and the server's messages.
  function refill(form, item) {
    const values = new Map();
    item.fields.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    values.forEach((_value, name) => {
      const row = /^(\w+)-(\d+)-/.exec(name);
      const add = row && form.querySelector(`[data-add-row="${row[1]}"]`);
      if (!add || form.elements.namedItem(name)) return;
      form.querySelector(`[data-rows="${row[1]}"]`).dataset.nextIndex = row[2];
      addRow(add);
    });
    Array.from(form.elements).forEach((element) => {
      if (!element.name || NOT_FIELDS.has(element.name) || /^(file|submit|button)$/.test(element.type)) return;
      const given = values.get(element.name) || [];
      if (element.type === "checkbox" || element.type === "radio") element.checked = given.includes(element.value);
      else if (element.multiple) Array.from(element.options).forEach((option) => { option.selected = given.includes(option.value); });
      else if (given.length) element.value = given[0];
    });
    const input = form.querySelector("[data-photo-picker] input[type=file]");
    if (input && item.photos.length) {
      const transfer = new DataTransfer();
      item.photos.forEach((photo) => transfer.items.add(new File([photo.blob], photo.name, { type: photo.blob.type })));
      input.files = transfer.files;
      input.dispatchEvent(new Event("change"));
      const captions = form.querySelectorAll('[data-photo-previews] input[name="photo_caption"]');
      item.photos.forEach((photo, index) => { if (captions[index]) captions[index].value = photo.caption; });
    }
    showErrors(form, item.errors, item.message);
  }

  // What the form shows while its visit travels: progress, then the visit's page, its errors, or where it waits.
  function follow(form, id) {
    const button = form.querySelector("button[type=submit]");
    const bar = form.querySelector("[data-outbox-progress]");
    const listener = (event) => {
      const { detail } = event;
      if (detail.id !== id) return;
      if (detail.state === "sending") {
        const percent = Math.round((100 * detail.sent) / detail.total);
        bar.hidden = false;
        bar.value = percent;
        say(form, fill(form.dataset.sending, { percent: Pishraft.toLocalDigits(percent) }));
        return;
      }
      document.removeEventListener("pishraft:outbox", listener);
      bar.hidden = true;
      say(form, "");
      if (detail.state === "sent") {
        window.location.assign(detail.next);
      } else if (detail.state === "failed") {
        showErrors(form, detail.errors, form.dataset.refused);
        button.disabled = false;
      } else {
        keptOnTablet(form, id, detail.message);
      }
    };
    document.addEventListener("pishraft:outbox", listener);
  }

  // The visit waits in the outbox: say so where the form was, and follow it until it arrives.
  function keptOnTablet(form, id, message) {
    const notice = form.querySelector("template[data-outbox-kept]").content.firstElementChild.cloneNode(true);
    notice.querySelector("[data-slot=message]").textContent = message;
    form.replaceWith(notice);
    notice.focus();
    document.addEventListener("pishraft:outbox", (event) => {
      if (event.detail.id !== id || event.detail.state !== "sent") return;
      notice.querySelector("[data-slot=message]").textContent = notice.dataset.sent;
      Object.assign(notice.querySelector("[data-slot=visit]"), { href: event.detail.next, hidden: false });
    });
  }

  async function saveVisit(form) {
    const button = form.querySelector("button[type=submit]");
    if (button.disabled) return; // a second tap while the first is on its way
    button.disabled = true;
    clearErrors(form);
    say(form, form.dataset.preparing);
    let item;
    try {
      const data = new FormData(form);
      const captions = data.getAll("photo_caption");
      const ids = data.getAll("photo_id");
      const photos = [];
      for (const [index, file] of data.getAll("photos").filter((f) => f.size).entries()) {
        const blob = await shrink(file);
        photos.push({ id: ids[index] || newId(), caption: captions[index] || "", blob, sha256: await sha256(blob),
                      name: blob === file ? file.name : `${file.name.replace(/\.[^.]*$/, "")}.jpg` });
      }
      item = await Pishraft.outbox.save({
        id: data.get("visit_id"), action: form.action, page: window.location.pathname, project: form.dataset.project,
        visitedOn: data.get("visited_on") || "", photos,
        fields: Array.from(data).filter(([name, value]) => typeof value === "string" && !NOT_FIELDS.has(name)),
      });
    } catch (error) {
      say(form, error.message); // the tablet's storage is full: the form still holds everything
      button.disabled = false;
      return;
    }
    follow(form, item.id);
    Pishraft.outbox.sendNow(item.id);
  }

  function setUpOutbox(form) {
    if (form.dataset.outboxReady || !(window.Pishraft && Pishraft.outbox)) return;
    form.dataset.outboxReady = "1";
    const reopened = /^#outbox=([\w-]+)$/.exec(window.location.hash);
    if (!reopened) freshIds(form);
    else Pishraft.outbox.get(reopened[1]).then((item) => (item ? refill(form, item) : freshIds(form)));
  }

  // Before htmx's own handler on the form: with an outbox, the visit travels through it.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.outboxReady) return;
    event.preventDefault();
    event.stopPropagation();
    saveVisit(form);
  }, true);

  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) addRow(add);
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      const form = remove.closest("form");
      remove.closest("[data-row]").remove();
      if (form) refreshAgendaChoices(form);
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-agenda-title]")) refreshAgendaChoices(event.target.closest("form"));
  });

  function setUp(root) {
    root.querySelectorAll("[data-photo-picker]").forEach(setUpPhotos);
    root.querySelectorAll("[data-location]").forEach(setUpLocation);
    root.querySelectorAll("form[data-outbox]").forEach(setUpOutbox);
    root.querySelectorAll("form").forEach((form) => {
      if (form.querySelector("[data-agenda-rows]")) refreshAgendaChoices(form);
    });
  }
  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("htmx:load", (event) => setUp(event.detail.elt.parentNode || event.detail.elt));
})();
