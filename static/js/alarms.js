// The day log's notices, the moment an answer is chosen: a grade at the care-team level or
// the urgent one, or a ticked warning sign, shows what to do under that question. The words
// come from the page (#alarm-words); saving shows the full notice at the top as well.
(function () {
  "use strict";
  var words = document.getElementById("alarm-words");
  var form = document.querySelector("form.day-log-form");
  if (!words || !form) {
    return;
  }

  function levelOf(fieldset) {
    var level = "";
    fieldset.querySelectorAll("input[data-alarm]:checked").forEach(function (input) {
      if (input.dataset.alarm === "urgent" || level === "") {
        level = input.dataset.alarm;
      }
    });
    return level;
  }

  function update(fieldset) {
    var live = fieldset.querySelector(".alarm-live");
    if (!live) {
      return;
    }
    var level = levelOf(fieldset);
    live.textContent = level ? words.dataset[level] : "";
    live.hidden = !level;
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset");
    if (fieldset) {
      update(fieldset);
    }
  });
})();
