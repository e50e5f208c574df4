// The day log's small helpers; the page works without them.
// - "None for all the rest" answers None in place for every unanswered symptom, instead of
//   saving the day (what the button does without script), and moves on to the next section.
// - A "What helps" fold loads its entries the first time it is opened (they are not in the
//   page: most days nobody opens them).
// - After a refused save, the list of problems at the top takes the focus.
(function () {
  "use strict";
  var form = document.querySelector("form.day-log-form");
  if (!form) {
    return;
  }

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  var rest = form.querySelector("button.rest-none");
  if (rest) {
    rest.type = "button";
    rest.addEventListener("click", function () {
      var answered = 0;
      form.querySelectorAll(".symptom-row").forEach(function (row) {
        if (!row.querySelector(".grade-chips input:checked")) {
          var none = row.querySelector('.grade-chips input[value="0"]');
          none.checked = true;
          none.dispatchEvent(new Event("change", { bubbles: true }));
          answered += 1;
        }
      });
      var hint = form.querySelector(".rest-none-hint");
      hint.setAttribute("aria-live", "polite");
      hint.textContent = answered === 0
        ? "Every symptom already had an answer."
        : answered + (answered === 1 ? " symptom" : " symptoms") + " set to None. Save when you are ready.";
    });
  }

  // The day's "What helps" URL, with the slot where a symptom's slug goes
  // (journal/daylog/row_writer.py, HELPS_SLUG_SLOT); the slug is in its row's id.
  var helpsUrl = form.querySelector("[data-helps-url]");
  form.querySelectorAll("details.what-helps").forEach(function (fold) {
    fold.addEventListener("toggle", function () {
      if (!fold.open || fold.dataset.loaded) {
        return;
      }
      fold.dataset.loaded = "yes";
      var body = fold.querySelector(".what-helps-body");
      var slug = fold.closest(".symptom-row").id.replace(/^symptom-/, "");
      var url = helpsUrl.dataset.helpsUrl.replace("SYMPTOM", slug);
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.text();
        })
        .then(function (html) {
          // Same-origin HTML rendered by the server with every value escaped.
          body.innerHTML = html;
        })
        .catch(function () {
          delete fold.dataset.loaded;  // the link to the library page stays; try again later
        });
    });
  });
})();
