// The service worker: keeps the day log usable without a connection. Served by the site at
// /service-worker.js (gistjournal/offline.py), which puts its settings, OFFLINE, on the line
// above: the release, the static files to keep (under the URLs the pages use) and the paths.
// - Static files: kept at install, then served from the cache first; a new release has new
//   names for changed files and a new cache, and the old caches are dropped on activation.
// - Day log pages: always asked of the server first; each one opened is kept (today's and the
//   last seven other days opened), and shown when there is no connection.
// - Any other page without a connection: the small offline page, not the browser's error.
// Saves are not handled here: static/js/offline.js keeps them (IndexedDB) and sends them.
/* global OFFLINE */
"use strict";

var STATIC_CACHE = "gj-static-" + OFFLINE.release;
var DAYS_CACHE = "gj-days-" + OFFLINE.release;
var OTHER_DAYS_KEPT = 7;
var DAY_PATH = new RegExp("^" + OFFLINE.dayPrefix + "\\d{4}-\\d{2}-\\d{2}/$");

function localToday() {
  var now = new Date();
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
}

function todayPath() {
  return OFFLINE.dayPrefix + localToday() + "/";
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(OFFLINE.assets.concat([OFFLINE.offlinePage])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.map(function (name) {
          return name === STATIC_CACHE || name === DAYS_CACHE ? null : caches.delete(name);
        }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

// Keep a day page just opened, as the newest; forget the oldest beyond today and seven others.
function keepDay(path, response) {
  return caches.open(DAYS_CACHE).then(function (cache) {
    return cache.delete(path)
      .then(function () { return cache.put(path, response); })
      .then(function () { return cache.keys(); })
      .then(function (requests) {
        var today = todayPath();
        var others = requests.filter(function (request) {
          return new URL(request.url).pathname !== today;
        });
        var extra = others.slice(0, Math.max(0, others.length - OTHER_DAYS_KEPT));
        return Promise.all(extra.map(function (request) { return cache.delete(request); }));
      });
  });
}

// The kept copy of a day page; "today" (the home-screen icon's page) goes to today's.
function keptCopy(url) {
  var isToday = url.pathname === OFFLINE.today;
  var path = isToday ? todayPath() : url.pathname;
  return caches.open(DAYS_CACHE).then(function (cache) {
    return DAY_PATH.test(path) ? cache.match(path, { ignoreVary: true }) : undefined;
  }).then(function (kept) {
    return kept && isToday ? Response.redirect(path, 302) : kept;
  });
}

function page(event, url) {
  var isDay = DAY_PATH.test(url.pathname) && !url.search;
  return fetch(event.request)
    .then(function (response) {
      if (isDay && response.ok && response.type === "basic" && !response.redirected) {
        event.waitUntil(keepDay(url.pathname, response.clone()));
      }
      return response;
    })
    .catch(function () {
      return keptCopy(url).then(function (kept) {
        return kept || caches.match(OFFLINE.offlinePage, { ignoreVary: true });
      });
    });
}

function staticFile(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;  // saves and everything else go to the network as they are
  }
  if (url.pathname.indexOf(OFFLINE.staticPrefix) === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});
