// A touch calendar for Jalali date inputs (input[data-jalali-date]): the browser's own date input is Gregorian.
// Typing still works; the calendar only fills the input and fires "change" so inline checks run.
(function () {
  "use strict";

  // Jalali <-> Julian day number, after jalaali-js (Borkowski's breaks): right on 1403 (leap) and 1404 (not).
  const BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394,
    2456, 3178];
  const div = (a, b) => Math.trunc(a / b);
  const mod = (a, b) => a - Math.trunc(a / b) * b;

  function jalCal(jy) {
    const gy = jy + 621;
    let leapJ = -14, jp = BREAKS[0], jump = 0;
    for (let i = 1; i < BREAKS.length; i += 1) {
      const jm = BREAKS[i];
      jump = jm - jp;
      if (jy < jm) break;
      leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
      jp = jm;
    }
    let n = jy - jp;
    leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
    if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
    const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
    if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
    let leap = mod(mod(n + 1, 33) - 1, 4);
    if (leap === -1) leap = 4;
    return { leap, gy, march: 20 + leapJ - leapG };
  }

  function g2d(gy, gm, gd) {
    const d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * mod(gm + 9, 12) + 2, 5) + gd - 34840408;
    return d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
  }

  function d2g(jdn) {
    let j = 4 * jdn + 139361631;
    j += div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
    const i = div(mod(j, 1461), 4) * 5 + 308;
    const gm = mod(div(i, 153), 12) + 1;
    return { gy: div(j, 1461) - 100100 + div(8 - gm, 6), gm, gd: div(mod(i, 153), 5) + 1 };
  }

  function j2d(jy, jm, jd) {
    const r = jalCal(jy);
    return g2d(r.gy, 3, r.march) + (jm - 1) * 31 - div(jm, 7) * (jm - 7) + jd - 1;
  }

  function d2j(jdn) {
    let jy = d2g(jdn).gy - 621;
    const r = jalCal(jy);
    let k = jdn - g2d(r.gy, 3, r.march);
    if (k >= 0) {
      if (k <= 185) return { jy, jm: 1 + div(k, 31), jd: mod(k, 31) + 1 };
      k -= 186;
    } else {
      jy -= 1;
      k += 179;
      if (r.leap === 1) k += 1;
    }
    return { jy, jm: 7 + div(k, 30), jd: mod(k, 30) + 1 };
  }

  const monthLength = (jy, jm) => (jm <= 6 ? 31 : jm <= 11 ? 30 : jalCal(jy).leap === 0 ? 30 : 29);

  // Month names and labels in the UI's language, filled in by the server (templates/base.html) from its catalog.
  let labels = null;
  const text = () => {
    labels = labels || JSON.parse(document.querySelector('meta[name="jalali-picker"]').content);
    return labels;
  };
  const digits = (value) => window.Pishraft.toLocalDigits(value);
  const pad = (n) => String(n).padStart(2, "0");

  function todayInTehran() {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran", year: "numeric", month: "numeric",
      day: "numeric" }).formatToParts(new Date());
    const part = (type) => Number(parts.find((p) => p.type === type).value);
    return d2j(g2d(part("year"), part("month"), part("day")));
  }

  function parseInput(value) {
    const match = window.Pishraft.toLatinDigits(value).match(/^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$/);
    if (!match) return null;
    const [jy, jm, jd] = match.slice(1).map(Number);
    return jm >= 1 && jm <= 12 && jd >= 1 && jd <= monthLength(jy, jm) ? { jy, jm, jd } : null;
  }

  function button(className, label, text) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    if (label) b.setAttribute("aria-label", label);
    b.textContent = text;
    return b;
  }

  function render(panel, input, shown) {
    const t = text();
    const today = todayInTehran();
    const chosen = parseInput(input.value);
    panel.replaceChildren();
    const head = document.createElement("div");
    head.className = "jp-head";
    const previous = button("jp-nav", t.previous, "›");
    const next = button("jp-nav", t.next, "‹");
    if (document.documentElement.dir !== "rtl") [previous.textContent, next.textContent] = ["‹", "›"];
    const title = document.createElement("strong");
    title.textContent = `${t.months[shown.jm - 1]} ${digits(shown.jy)}`;
    title.setAttribute("aria-live", "polite");
    previous.addEventListener("click", () => render(panel, input, shown.jm === 1
      ? { jy: shown.jy - 1, jm: 12 } : { jy: shown.jy, jm: shown.jm - 1 }));
    next.addEventListener("click", () => render(panel, input, shown.jm === 12
      ? { jy: shown.jy + 1, jm: 1 } : { jy: shown.jy, jm: shown.jm + 1 }));
    head.append(previous, title, next);

    const grid = document.createElement("div");
    grid.className = "jp-grid";
    grid.setAttribute("role", "grid");
    t.weekdays.forEach((name) => {
      const cell = document.createElement("span");
      cell.className = "jp-weekday";
      cell.textContent = name;
      grid.append(cell);
    });
    // Julian day 0 fell on a Monday; Saturday starts the Iranian week.
    const first = j2d(shown.jy, shown.jm, 1);
    const offset = mod(first + 2, 7);
    for (let i = 0; i < offset; i += 1) grid.append(document.createElement("span"));
    for (let day = 1; day <= monthLength(shown.jy, shown.jm); day += 1) {
      const cell = button("jp-day", null, digits(day));
      const same = (d) => d && d.jy === shown.jy && d.jm === shown.jm && d.jd === day;
      if (same(today)) cell.classList.add("jp-today");
      if (same(chosen)) cell.setAttribute("aria-pressed", "true");
      cell.addEventListener("click", () => choose(panel, input, { jy: shown.jy, jm: shown.jm, jd: day }));
      grid.append(cell);
    }

    const foot = document.createElement("div");
    foot.className = "jp-foot";
    const todayButton = button("jp-link", null, t.today);
    todayButton.addEventListener("click", () => choose(panel, input, today));
    const close = button("jp-link", null, t.close);
    close.addEventListener("click", () => hide(panel));
    foot.append(todayButton, close);
    panel.append(head, grid, foot);
  }

  function choose(panel, input, d) {
    input.value = digits(`${d.jy}/${pad(d.jm)}/${pad(d.jd)}`);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    hide(panel);
    input.focus();
  }

  function hide(panel) {
    panel.hidden = true;
  }

  const CALENDAR_ICON = '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" fill="none" ' +
    'stroke="currentColor" stroke-width="2"><rect x="3" y="5" width="18" height="16" rx="2"/>' +
    '<path d="M3 10h18M8 3v4M16 3v4"/></svg>';

  // Open towards the side with room: a field in the far column would push the calendar off the screen.
  function place(panel) {
    panel.style.insetInlineStart = "";
    panel.style.insetInlineEnd = "";
    const box = panel.getBoundingClientRect();
    if (box.left < 0 || box.right > document.documentElement.clientWidth) {
      panel.style.insetInlineStart = "auto";
      panel.style.insetInlineEnd = "0";
    }
  }

  function enhance(input) {
    if (input.dataset.jalaliPicker) return;
    input.dataset.jalaliPicker = "on";
    const wrap = document.createElement("div");
    wrap.className = "jp-wrap";
    input.replaceWith(wrap);
    const open = button("jp-open", text().open, "");
    open.innerHTML = CALENDAR_ICON;
    const panel = document.createElement("div");
    panel.className = "jp-panel";
    panel.hidden = true;
    wrap.append(input, open, panel);
    open.addEventListener("click", () => {
      if (!panel.hidden) return hide(panel);
      const start = parseInput(input.value) || todayInTehran();
      render(panel, input, { jy: start.jy, jm: start.jm });
      panel.hidden = false;
      place(panel);
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        hide(panel);
        open.focus();
      }
    });
    // The path, not contains(): a month button is already replaced by the time the click reaches the document.
    document.addEventListener("click", (event) => {
      if (!event.composedPath().includes(wrap)) hide(panel);
    });
  }

  const enhanceAll = (root) => root.querySelectorAll("input[data-jalali-date]").forEach(enhance);
  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  document.addEventListener("htmx:load", (event) => enhanceAll(event.detail.elt.parentNode || event.detail.elt));
  // Exposed for the tests that compare the arithmetic with the server's.
  window.jalaliPicker = { d2j, j2d, monthLength };
})();
