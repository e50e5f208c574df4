/* A table too wide for the screen scrolls inside its .table-responsive box. Keyboard users
   need to reach that box to scroll it, and screen-reader users need its name, so a box that
   overflows becomes a focusable, named region; one that fits stays plain (no extra Tab stop). */
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    var heading = box.closest("section, figure");
    heading = heading && heading.querySelector("h2, h3, h4");
    var text = (caption || heading || {}).textContent || "Table";
    return text.replace(/\s+/g, " ").trim() + " (scrolls sideways)";
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  update();
  window.addEventListener("resize", update);
  // Folded tables (<details>) only get their width when opened.
  document.addEventListener("toggle", update, true);
})();
