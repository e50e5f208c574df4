/* The admin's autocomplete boxes (select2) leave their search inputs without a name and
   put non-list items in their lists; screen readers then announce nothing useful. Name
   each one after the field's own label once select2 has drawn it. */
(function () {
  "use strict";
  function nameSelect2Boxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var name = label ? label.textContent.replace(/:\s*$/, "").trim() : select.name;
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      box.querySelectorAll(".select2-selection").forEach(function (el) {
        el.setAttribute("aria-label", name);
      });
      box.querySelectorAll(".select2-search__field").forEach(function (el) {
        el.setAttribute("aria-label", "Search " + name.toLowerCase());
      });
      box.querySelectorAll(".select2-selection__rendered").forEach(function (el) {
        if (el.tagName === "UL") {
          el.setAttribute("role", "presentation");
        } else {
          el.setAttribute("aria-label", name); // the single choice shown, as a read-only box
        }
      });
    });
  }
  window.addEventListener("load", function () {
    nameSelect2Boxes();
    // select2 redraws its box whenever a choice is added or removed.
    new MutationObserver(nameSelect2Boxes).observe(document.body, { childList: true, subtree: true });
  });
})();
