// Behaviour that pages ask for in their markup, wired here by delegated listeners (they survive htmx swaps):
// the Content-Security-Policy allows no inline script, no on… handler and no eval (so no hx-on, no trigger filter).
(function () {
  "use strict";

  // A form that only holds values other forms include (the budget grid's reason and letter) never submits itself.
  document.addEventListener("submit", (event) => {
    if (event.target instanceof HTMLFormElement && event.target.hasAttribute("data-no-submit")) {
      event.preventDefault();
    }
  });

  // Escape in a field fires "key-escape" on it, for hx-trigger="key-escape" (a filter like keydown[key=='Escape']
  // would need eval).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && event.target instanceof Element) {
      event.target.dispatchEvent(new CustomEvent("key-escape"));
    }
  });

  // An editor that appears inside something scrolled sideways (a cell of the budget grid) comes into view whole,
  // its save and cancel too, not only the field that takes the focus.
  document.addEventListener("htmx:load", (event) => {
    const elt = event.detail.elt;
    const shown = elt instanceof Element && (elt.matches("[data-reveal]") ? elt : elt.querySelector("[data-reveal]"));
    if (shown) shown.scrollIntoView({ block: "nearest", inline: "nearest" });
  });

  // ---- Nothing silent: «saved» after every save, a message that says what to do when a request fails ----------
  // The words and the place are _confirmations.html's (in every page); the server names each save (HX-Trigger
  // «saved», tracker.core.htmx.announce_save) and flashes it before a redirect, which the next page shows here.
  const SHOWN_MS = 4000;
  const box = document.querySelector("[data-confirmations]");
  const savedNotice = box && box.querySelector("[data-saved-notice]");
  const problem = box && box.querySelector("[data-request-error]");
  let hideTimer = 0;

  function showSaved(text) {
    if (!savedNotice) return;
    clearTimeout(hideTimer);
    savedNotice.textContent = text;
    hideTimer = setTimeout(() => {
      savedNotice.textContent = "";
    }, SHOWN_MS);
  }

  function showProblem(text) {
    if (!problem) return;
    problem.querySelector("[data-request-error-text]").textContent = text;
    problem.hidden = false;
  }

  function clearProblem() {
    if (problem) problem.hidden = true;
  }

  if (savedNotice && savedNotice.textContent.trim()) showSaved(savedNotice.textContent.trim());

  document.addEventListener("saved", (event) => {
    clearProblem();
    if (event.detail && event.detail.value) showSaved(String(event.detail.value));
  });

  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-dismiss-error]")) clearProblem();
  });

  document.addEventListener("htmx:sendError", () => showProblem(box.dataset.offline));
  document.addEventListener("htmx:timeout", () => showProblem(box.dataset.timeout));
  // A response htmx does not swap (responseHandling in base.html): the server's own Persian message where it sent
  // one (a 403, 404 or 500 from the app), else what to do by the kind of failure (a proxy's 502 page is English).
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    const said = page.querySelector(".notice-error");
    const fallback = xhr.status >= 500 ? box.dataset.server : box.dataset.refused;
    showProblem(said ? said.textContent.replace(/\s+/g, " ").trim() : fallback);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful && !event.detail.failed && event.detail.xhr.status < 400) clearProblem();
  });

  // An upload's time grows with its size on a weak link: only htmx.config.timeout's small requests are cut short.
  document.addEventListener("htmx:beforeSend", (event) => {
    const elt = event.detail.elt;
    if (elt instanceof HTMLFormElement && elt.enctype === "multipart/form-data") event.detail.xhr.timeout = 0;
  });

  // ---- A double tap sends once: a form's submit buttons are disabled while its request is in flight ----------
  const BUSY = "data-busy"; // marks the buttons disabled here, so that only they are enabled again
  const inFlight = new WeakMap(); // xhr -> the buttons it disabled

  function submitButtons(element) {
    if (element instanceof HTMLFormElement) {
      return Array.from(element.elements).filter((control) => control.type === "submit");
    }
    return element instanceof HTMLButtonElement || (element instanceof HTMLInputElement && element.type === "submit")
      ? [element] : [];
  }

  function disable(buttons) {
    const changed = buttons.filter((button) => !button.disabled);
    changed.forEach((button) => {
      button.disabled = true;
      button.setAttribute(BUSY, "");
    });
    return changed;
  }

  function enable(buttons) {
    buttons.filter((button) => button.hasAttribute(BUSY)).forEach((button) => {
      button.disabled = false;
      button.removeAttribute(BUSY);
    });
  }

  // htmx has taken the form's values by htmx:beforeRequest, so disabling the submitter loses nothing.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const verb = (event.detail.requestConfig && event.detail.requestConfig.verb) || "get";
    if (verb === "get") return;
    inFlight.set(event.detail.xhr, disable(submitButtons(event.detail.elt)));
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    enable(inFlight.get(event.detail.xhr) || []);
    inFlight.delete(event.detail.xhr);
  });

  // A form posted without htmx (its script not loaded yet, or no hx-post) is sent once: a second submit before the
  // next page is refused at once, and its buttons are disabled once the browser has read the values (after this
  // event, so that the submitter's own name and value are still sent), until the next page.
  const SENT = "data-sent";
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post" || event.defaultPrevented) return;
    if (form.hasAttribute(SENT)) {
      event.preventDefault();
      return;
    }
    form.setAttribute(SENT, "");
    // Read after every listener has run: the outbox or the logout question may have taken the submit over.
    setTimeout(() => {
      if (event.defaultPrevented) form.removeAttribute(SENT);
      else disable(submitButtons(form));
    }, 0);
  });
  // Back to a page kept by the browser (bfcache): its forms and buttons work again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll(`form[${SENT}]`).forEach((form) => form.removeAttribute(SENT));
    enable(Array.from(document.querySelectorAll(`[${BUSY}]`)));
  });
})();
