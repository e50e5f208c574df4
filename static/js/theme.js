// Follow the phone's light or dark setting: Bootstrap colours the page from data-bs-theme on
// <html>. Loaded in <head>, before the page paints, so a dark phone never flashes white.
(function () {
  "use strict";
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function apply() {
    document.documentElement.setAttribute("data-bs-theme", dark && dark.matches ? "dark" : "light");
  }

  apply();
  if (dark && dark.addEventListener) {
    dark.addEventListener("change", apply);
  }
})();
