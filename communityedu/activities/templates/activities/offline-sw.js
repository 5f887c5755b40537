// The offline check-in's service worker (activities/views/offline.py). It answers only for the
// offline check-in pages and the assets they need, from the network first and from its cache when
// there is no signal; every other request goes to the network untouched. On sign-out it wipes the
// rolls kept on the phone (the queue of check-ins, which holds no names, stays until uploaded).
"use strict";
const CACHE = "offline-check-in-v1";
const ASSETS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const SIGN_OUT = [{% for path in sign_out_paths %}"{{ path|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const OFFLINE_PAGE = /^\/activities\/\d+\/offline\/$/;
const DATABASE = "communityedu-offline";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(Promise.all([
    caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("offline-check-in-") && name !== CACHE).map((name) => caches.delete(name)))),
    forgetRolls((roll) => new Date(roll.activity.kept_until) < new Date()),
  ]).then(() => self.clients.claim()));
});

function forgetRolls(which) {
  return new Promise((resolve) => {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore("rolls", { keyPath: "id" });
      opening.result.createObjectStore("queue", { keyPath: "client_id" }).createIndex("activity", "activity");
    };
    opening.onerror = () => resolve();
    opening.onsuccess = () => {
      const database = opening.result;
      const transaction = database.transaction("rolls", "readwrite");
      const store = transaction.objectStore("rolls");
      store.getAll().onsuccess = (event) => {
        for (const roll of event.target.result) {
          if (which(roll)) { store.delete(roll.id); }
        }
      };
      transaction.oncomplete = () => { database.close(); resolve(); };
      transaction.onerror = () => { database.close(); resolve(); };
    };
  });
}

function fromNetworkElseCache(request, key) {
  return fetch(request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.open(CACHE).then((cache) => cache.match(key)).then((kept) => kept || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) { return; }
  if (event.request.method === "POST" && SIGN_OUT.includes(url.pathname)) {
    event.waitUntil(Promise.all([
      forgetRolls(() => true),
      caches.open(CACHE).then((cache) => cache.keys().then((keys) => Promise.all(
        keys.filter((key) => OFFLINE_PAGE.test(new URL(key.url).pathname)).map((key) => cache.delete(key))))),
    ]));
    return;
  }
  if (event.request.method !== "GET") { return; }
  if (ASSETS.includes(url.pathname) || OFFLINE_PAGE.test(url.pathname)) {
    event.respondWith(fromNetworkElseCache(event.request, url.pathname));
  }
});
