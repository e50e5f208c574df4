// Offline use, on every page: registers the service worker (static/js/service-worker.js) that
// keeps the day log openable without a connection, and
// - on the day log with no connection, keeps the save on this phone (IndexedDB), one per day
//   in the order first saved, and says so; opened again offline, the page shows it;
// - with a connection (on load, and when it returns), sends the saves in order: a fresh CSRF
//   token from the day's page, then the form as it was typed, with the day's version it was
//   typed over. A save the server refuses (a value out of range, or the day changed on another
//   device) is sent again as a plain form post, so the server's own page shows the problem
//   beside the field, or both versions to choose from, with everything typed kept;
// - on log-out, asks first if saves have not been sent, then forgets them and the kept pages.
(function () {
  "use strict";
  var status = document.getElementById("offline-status");
  if (!status) {
    return;
  }
  var account = status.dataset.account;
  var DB_NAME = "gist-journal-offline";
  var STORE = "unsent-saves";
  var KEPT = "Saved on this phone — will send when you are online.";

  function say(words) {
    status.textContent = words;
    status.hidden = !words;
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(status.dataset.worker).catch(function () {
      // No worker (a private window, say): the site works as before, online only.
    });
  }
  if (!window.indexedDB) {
    return;
  }

  // --- The unsent saves (IndexedDB) -------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs work(store) in one transaction; resolves with the result of the request it returns.
  function inStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }

  // This account's unsent saves, oldest first (ids count up).
  function unsentSaves() {
    return inStore("readonly", function (store) { return store.getAll(); })
      .then(function (saves) {
        return saves.filter(function (save) { return save.account === account; });
      });
  }

  function forget(save) {
    return inStore("readwrite", function (store) { return store.delete(save.id); });
  }

  function keep(save) {
    return unsentSaves().then(function (saves) {
      var sameDay = saves.filter(function (kept) { return kept.url === save.url; })[0];
      if (sameDay) {
        save.id = sameDay.id;  // the latest answers for the day, in the first save's place
      }
      return inStore("readwrite", function (store) { return store.put(save); });
    });
  }

  // --- The day log: keeping a save, and showing one kept -----------------------------------

  var form = document.querySelector("form.day-log-form");

  function fillIn(fields) {
    var given = {};
    fields.forEach(function (field) {
      (given[field[0]] = given[field[0]] || []).push(field[1]);
    });
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "csrfmiddlewaretoken" ||
          element.type === "submit" || element.type === "button") {
        return;
      }
      var values = given[element.name] || [];
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = values.indexOf(element.value) !== -1;
      } else {
        element.value = values.length ? values[0] : "";
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  if (form && account) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) {
        return;  // the ordinary post: the server answers with its page
      }
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
      keep({ url: location.pathname, account: account, fields: fields, savedOn: Date.now() })
        .then(function () { say(KEPT); })
        .catch(function () {
          say("This phone could not keep the save. Stay on this page and save again when you are online.");
        });
    });
  }

  // --- Sending the saves ---------------------------------------------------------------------

  function pathOf(response) {
    return new URL(response.url).pathname;
  }

  function htmlOf(response) {
    return response.text().then(function (text) {
      return new DOMParser().parseFromString(text, "text/html");
    });
  }

  // The server's own page for a save it did not take: the form posted as a page.
  function postAsPage(save, token) {
    var page = document.createElement("form");
    page.method = "post";
    page.action = save.url;
    page.hidden = true;
    save.fields.forEach(function (field) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = field[0];
      input.value = field[0] === "csrfmiddlewaretoken" ? token : field[1];
      page.appendChild(input);
    });
    document.body.appendChild(page);
    page.submit();
  }

  // Resolves true when sent, false when sending must stop here (the rest wait, in order).
  function send(save) {
    var token;
    return fetch(save.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || pathOf(response) !== save.url) {
          throw new Error("signed out");
        }
        return htmlOf(response);
      })
      .then(function (page) {
        token = page.querySelector('input[name="csrfmiddlewaretoken"]').value;
        var body = new URLSearchParams();
        save.fields.forEach(function (field) {
          body.append(field[0], field[0] === "csrfmiddlewaretoken" ? token : field[1]);
        });
        return fetch(save.url, { method: "POST", body: body, credentials: "same-origin" });
      })
      .then(function (response) {
        if (response.redirected && pathOf(response) === save.url) {
          return htmlOf(response).then(function (page) {
            var revision = page.querySelector('input[name="base_revision"]');
            var here = form && location.pathname === save.url && form.elements.base_revision;
            if (revision && here) {
              here.value = revision.value;  // this page now stands on the day just sent
            }
            return forget(save).then(function () { return true; });
          });
        }
        if (!response.redirected && (response.status === 200 || response.status === 409)) {
          // Nothing was saved: the page will show why, with the answers kept in its form.
          return forget(save).then(function () {
            postAsPage(save, token);
            return false;
          });
        }
        throw new Error("not sent");
      });
  }

  var sending = false;

  function sendAll() {
    if (sending || !account || !navigator.onLine) {
      return;
    }
    sending = true;
    unsentSaves()
      .then(function (saves) {
        if (!saves.length) {
          return;
        }
        say("Sending what was saved on this phone…");
        return saves.reduce(function (chain, save) {
          return chain.then(function (going) { return going && send(save); });
        }, Promise.resolve(true)).then(function (allSent) {
          if (allSent) {
            say("Sent: the days saved on this phone are in your journal now.");
          }
        });
      })
      .catch(function () {
        say("Not sent yet: what was saved on this phone is kept. It will be sent when you are online and logged in.");
      })
      .then(function () { sending = false; });
  }

  window.addEventListener("online", sendAll);

  if (!navigator.onLine) {
    // A kept copy: its notices ("Saved …") were for the visit that kept it.
    document.querySelectorAll("main .messages").forEach(function (notices) { notices.remove(); });
  }

  if (form && account) {
    unsentSaves().then(function (saves) {
      var kept = saves.filter(function (save) { return save.url === location.pathname; })[0];
      if (kept) {
        fillIn(kept.fields);
        say(KEPT);
      } else if (!navigator.onLine) {
        say("No connection: this is the day as this phone last saw it. What you save is kept on this phone.");
      }
    }).then(sendAll);
  } else {
    sendAll();
  }

  // --- Logging out on a shared phone -------------------------------------------------------

  function forgetEverything() {
    var queue = new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
    var kept = window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }) : Promise.resolve();
    return Promise.all([queue, kept]);
  }

  document.querySelectorAll("form[method=post]").forEach(function (logOut) {
    if (logOut.getAttribute("action") !== status.dataset.logOut) {
      return;
    }
    logOut.addEventListener("submit", function (event) {
      event.preventDefault();
      unsentSaves().catch(function () { return []; }).then(function (saves) {
        if (saves.length && !window.confirm(
          (saves.length === 1 ? "One day saved on this phone has" : saves.length + " days saved on this phone have") +
          " not been sent yet. Log out anyway? They will be deleted from this phone."
        )) {
          return;
        }
        forgetEverything().then(function () { logOut.submit(); }, function () { logOut.submit(); });
      });
    });
  });
})();
