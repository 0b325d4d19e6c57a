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
})();
