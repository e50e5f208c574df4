/* Copy and Share buttons for a link shown in a read-only field (the invitation link).

   Markup: a block with data-share-link="<id of the field>", holding a Copy button
   (data-copy), a Share button (data-share, shown only where the browser has a share sheet)
   and a live region (data-copy-status) that says what happened. The block starts hidden:
   without this script the field alone is shown, and a long press selects the link. */
(function () {
  "use strict";

  function say(status, text) {
    // Emptied first, so the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function selectAll(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
  }

  // Where the Clipboard API is missing (an older browser, or a page not served over HTTPS):
  // select the text, then ask the browser's own copy command.
  function copyBySelecting(field) {
    selectAll(field);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function attach(block) {
    var field = document.getElementById(block.getAttribute("data-share-link"));
    var copy = block.querySelector("[data-copy]");
    var share = block.querySelector("[data-share]");
    var status = block.querySelector("[data-copy-status]");
    if (!field || !copy || !status) {
      return;
    }

    function copied() {
      say(status, "Copied. Paste it into a message to them.");
    }

    function selectedOnly() {
      say(status, "The link is selected: copy it with your phone's or computer's copy command.");
    }

    copy.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(copied, function () {
          if (copyBySelecting(field)) {
            copied();
          } else {
            selectedOnly();
          }
        });
      } else if (copyBySelecting(field)) {
        copied();
      } else {
        selectedOnly();
      }
    });

    if (share && typeof navigator.share === "function") {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator
          .share({
            title: share.getAttribute("data-share-title") || document.title,
            text: share.getAttribute("data-share-text") || "",
            url: field.value,
          })
          .catch(function (error) {
            // Closing the share sheet is a choice, not a failure.
            if (!error || error.name !== "AbortError") {
              selectedOnly();
              selectAll(field);
            }
          });
      });
    }
    block.hidden = false;
  }

  document.querySelectorAll("[data-share-link]").forEach(attach);
})();
