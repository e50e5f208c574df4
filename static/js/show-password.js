/* A "Show password" button under every password field of the page: typing 12 characters or
   more twice with sore fingertips is easier when you can see them. The button says what it
   will do and aria-pressed says whether the password is shown. Before the form is sent every
   field is a password field again, so that no browser keeps what was typed in its history of
   text fields. Without JavaScript the fields are plain password fields. */
(function () {
  "use strict";

  function show(field, button, shown) {
    field.type = shown ? "text" : "password";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    button.textContent = shown ? "Hide password" : "Show password";
  }

  function attach(field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary mt-2 show-password";
    button.setAttribute("aria-controls", field.id);
    show(field, button, false);
    button.addEventListener("click", function () {
      show(field, button, field.type === "password");
    });
    // Under the field and its error, above its help text.
    var after = field;
    while (after.nextElementSibling && after.nextElementSibling.classList.contains("invalid-feedback")) {
      after = after.nextElementSibling;
    }
    after.insertAdjacentElement("afterend", button);
    if (field.form) {
      field.form.addEventListener("submit", function () {
        show(field, button, false);
      });
    }
  }

  document.querySelectorAll("input[type=password]").forEach(function (field) {
    if (field.id) {
      attach(field);
    }
  });
})();
