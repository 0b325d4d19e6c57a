// Visit and meeting forms: photo previews with a caption each, the tablet's location, rows that repeat.
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
    root.querySelectorAll("form").forEach((form) => {
      if (form.querySelector("[data-agenda-rows]")) refreshAgendaChoices(form);
    });
  }
  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("htmx:load", (event) => setUp(event.detail.elt.parentNode || event.detail.elt));
})();
