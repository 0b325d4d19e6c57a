// Digits for every script, in one place: Persian digits in the Persian UI (<html lang="fa">), Latin in English;
// and back to Latin for reading what a person typed in either digit set (Persian or Arabic-Indic).
(function () {
  "use strict";

  const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  const ARABIC = "٠١٢٣٤٥٦٧٨٩";

  /** A number or text with its digits in the UI's language. */
  function toLocalDigits(value) {
    const text = String(value);
    return document.documentElement.lang === "fa" ? text.replace(/[0-9]/g, (d) => PERSIAN[d]) : text;
  }

  /** A number or text with Persian and Arabic-Indic digits turned Latin. */
  function toLatinDigits(value) {
    return String(value).replace(/[۰-۹]/g, (d) => PERSIAN.indexOf(d)).replace(/[٠-٩]/g, (d) => ARABIC.indexOf(d));
  }

  window.Pishraft = Object.assign(window.Pishraft || {}, { toLocalDigits, toLatinDigits });
})();
