/* Room left in a text field with a limit (data-max-length, set by the forms instead of
   maxlength, which lets a browser drop pasted text without a word). Notes always show it;
   short fields only once they are nearly full. Past the limit it says by how much, and the
   server refuses the value with a message beside the field, keeping what was typed. */
(function () {
  "use strict";

  function plural(count, word) {
    return count.toLocaleString() + " " + word + (count === 1 ? "" : "s");
  }

  // Counted as the server counts: characters, not UTF-16 units, and a line break as the two
  // characters (CR LF) a browser sends.
  function length(text) {
    return Array.from(text.replace(/\r?\n/g, "\r\n")).length;
  }

  function attach(field) {
    var limit = parseInt(field.getAttribute("data-max-length"), 10);
    if (!limit) {
      return;
    }
    var room = document.createElement("div");
    room.id = field.id + "_room";
    room.className = "form-text text-limit";
    room.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", room);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + room.id);
    var always = field.tagName === "TEXTAREA";

    function update() {
      var left = limit - length(field.value);
      room.hidden = !always && left > Math.max(10, limit / 5);
      room.classList.toggle("text-danger-emphasis", left < 0);
      room.classList.toggle("fw-semibold", left < 0);
      room.textContent = left < 0
        ? plural(-left, "character") + " too many: please shorten it to save."
        : plural(left, "character") + " left.";
    }

    field.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("[data-max-length]").forEach(attach);
})();
