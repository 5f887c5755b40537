// Offline check-in (activities/offline.html): the roll is kept in IndexedDB while there is signal;
// each scan or tick is queued there with an id made here and the time of the scan, shown at once as
// 已签到（待上传）, and uploaded in batches when the signal is back (the online event, or the button).
"use strict";
(() => {
  const root = document.getElementById("offline-check-in");
  if (!root) { return; }
  const activityId = Number(root.dataset.activity);
  const text = root.dataset;
  const DATABASE = "communityedu-offline";
  const BATCH = 500;
  let database = null;
  let roll = null; // {id, activity, key, people, done: [person ids], csrf_token, upload_url}
  let queue = []; // this activity's queued check-ins
  let uploading = false;
  const byId = new Map();
  const byHash = new Map();

  // ---- IndexedDB ----------------------------------------------------------------------------
  function open() {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = () => {
        opening.result.createObjectStore("rolls", { keyPath: "id" });
        opening.result.createObjectStore("queue", { keyPath: "client_id" }).createIndex("activity", "activity");
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  function run(storeName, mode, work) {
    return new Promise((resolve, reject) => {
      const transaction = database.transaction(storeName, mode);
      const result = work(transaction.objectStore(storeName));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }

  const readRoll = () => run("rolls", "readonly", (store) => store.get(activityId));
  const saveRoll = () => run("rolls", "readwrite", (store) => store.put(roll));
  const readQueue = () => run("queue", "readonly", (store) => store.index("activity").getAll(activityId));
  const saveItem = (item) => run("queue", "readwrite", (store) => store.put(item));
  const dropItem = (clientId) => run("queue", "readwrite", (store) => store.delete(clientId));

  async function forgetExpiredRolls() {
    const rolls = await run("rolls", "readonly", (store) => store.getAll());
    const now = new Date();
    for (const kept of rolls) {
      if (new Date(kept.activity.kept_until) < now) {
        await run("rolls", "readwrite", (store) => store.delete(kept.id));
      }
    }
  }

  // ---- the roll -----------------------------------------------------------------------------
  async function fetchRoll() {
    const response = await fetch(root.dataset.rollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!response.ok || response.redirected || !json) {
      // Signed out, or no longer allowed: the names are not kept.
      await run("rolls", "readwrite", (store) => store.delete(activityId));
      return null;
    }
    const fresh = await response.json();
    const kept = await readRoll();
    return { ...fresh, id: activityId, done: kept ? kept.done : [] };
  }

  async function hashOf(token) {
    const key = await crypto.subtle.importKey("raw", hexBytes(roll.key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(token));
    return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function hexBytes(hex) {
    const bytes = new Uint8Array(hex.length / 2);
    for (let index = 0; index < bytes.length; index += 1) { bytes[index] = parseInt(hex.substr(index * 2, 2), 16); }
    return bytes;
  }

  function index() {
    byId.clear();
    byHash.clear();
    for (const person of roll.people) {
      byId.set(person.id, person);
      for (const hash of person.cards) { byHash.set(hash, person); }
    }
  }

  // ---- what the page shows --------------------------------------------------------------------
  function stateOf(personId) {
    if (roll.done.includes(personId)) { return "done"; }
    const item = queue.find((queued) => queued.person === personId && queued.status !== "refused");
    return item ? "pending" : "";
  }

  function render() {
    document.getElementById("offline-pending").textContent = String(queue.filter((item) => item.status === "pending").length);
    document.getElementById("offline-uploaded").textContent = String(roll ? roll.done.length : 0);
    const refused = document.getElementById("offline-refused");
    refused.replaceChildren(...queue.filter((item) => item.status === "refused").map((item) => {
      const line = document.createElement("li");
      const who = item.person && byId.has(item.person) ? byId.get(item.person).name : item.card;
      line.textContent = `${text.textRefused}：${who} — ${item.reason}`;
      return line;
    }));
    const list = document.getElementById("offline-roll");
    if (!roll) {
      const line = document.createElement("li");
      line.textContent = text.textNoRoll;
      list.replaceChildren(line);
      return;
    }
    const wanted = document.getElementById("offline-filter").value.trim();
    list.replaceChildren(...roll.people.filter((person) => !wanted || person.name.includes(wanted)).map((person) => {
      const state = stateOf(person.id);
      const line = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "person";
      box.value = String(person.id);
      box.checked = state !== "";
      box.disabled = state === "done";
      const name = document.createElement("span");
      name.className = "offline-name";
      name.textContent = person.name;
      const group = document.createElement("span");
      group.className = "offline-group";
      group.textContent = person.group;
      label.append(box, name, group);
      const mark = document.createElement("span");
      mark.className = "offline-mark";
      mark.textContent = state === "done" ? text.textDone : state === "pending" ? text.textPending : "";
      line.append(label, mark);
      return line;
    }));
  }

  function showStatus() {
    const status = document.getElementById("offline-status");
    status.textContent = navigator.onLine ? `${text.textOnline} · ${roll ? text.textKept : text.textNoRoll}` : text.textOffline;
  }

  function say(message) { document.getElementById("offline-scan-result").textContent = message; }

  // ---- queueing -----------------------------------------------------------------------------
  async function enqueue(fields) {
    const item = {
      client_id: crypto.randomUUID(),
      activity: activityId,
      scanned_at: new Date().toISOString(),
      status: "pending",
      reason: "",
      ...fields,
    };
    queue.push(item);
    await saveItem(item);
    render();
    return item;
  }

  async function scanned(rawToken) {
    const token = rawToken.trim();
    if (!token || !roll) { return; }
    const person = byHash.get(await hashOf(token));
    if (person) {
      if (stateOf(person.id)) { say(`${text.textTwice} ${person.name}`); return; }
      await enqueue({ person: person.id });
      say(`${person.name} ${stateOf(person.id) === "pending" ? text.textPending : ""}`);
    } else {
      if (queue.some((item) => item.card === token)) { say(`${text.textTwice} ${token}`); return; }
      await enqueue({ card: token });
      say(text.textUnknownCard);
    }
    if (navigator.onLine) { upload(); }
  }

  async function ticked(box) {
    const personId = Number(box.value);
    if (box.checked) {
      if (!stateOf(personId)) { await enqueue({ person: personId }); }
    } else {
      // Unticked before it was uploaded: a slip of the finger, taken back on the phone.
      const item = queue.find((queued) => queued.person === personId && queued.status === "pending");
      if (item) {
        queue = queue.filter((queued) => queued !== item);
        await dropItem(item.client_id);
        render();
      }
    }
  }

  // ---- uploading ----------------------------------------------------------------------------
  async function upload() {
    if (uploading || !navigator.onLine) { return; }
    uploading = true;
    try {
      const fresh = await fetchRoll();
      if (!fresh) { roll = null; render(); return; }
      roll = fresh;
      index();
      await saveRoll();
      let pending = queue.filter((item) => item.status === "pending");
      while (pending.length) {
        const batch = pending.slice(0, BATCH);
        pending = pending.slice(BATCH);
        const response = await fetch(roll.upload_url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": roll.csrf_token },
          body: JSON.stringify({
            sent_at: new Date().toISOString(),
            items: batch.map((item) => (item.person
              ? { person: item.person, client_id: item.client_id, scanned_at: item.scanned_at }
              : { card: item.card, client_id: item.client_id, scanned_at: item.scanned_at })),
          }),
        });
        if (!response.ok) { break; }
        const answer = await response.json();
        for (const [position, result] of answer.items.entries()) {
          const item = batch[position];
          if (result.status === "refused") {
            item.status = "refused";
            item.reason = result.reason;
            await saveItem(item);
          } else {
            // Recorded: the queue lets go of it; the roll remembers the person as checked in.
            if (item.person && !roll.done.includes(item.person)) { roll.done.push(item.person); }
            if (item.card && byHash.size) {
              const person = byHash.get(await hashOf(item.card));
              if (person && !roll.done.includes(person.id)) { roll.done.push(person.id); }
            }
            queue = queue.filter((queued) => queued !== item);
            await dropItem(item.client_id);
          }
        }
        await saveRoll();
      }
    } catch (error) {
      // No signal after all: everything stays queued for the next try.
    } finally {
      uploading = false;
      render();
      showStatus();
    }
  }

  // ---- the camera -----------------------------------------------------------------------------
  async function startCamera() {
    const video = document.getElementById("offline-video");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
    } catch (error) {
      say(text.textCameraFailed);
      return;
    }
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    let last = "";
    const look = async () => {
      if (video.hidden) { return; }
      if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
        if (found && found.data && found.data !== last) {
          last = found.data;
          await scanned(found.data);
        }
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  }

  // ---- start ----------------------------------------------------------------------------------
  async function start() {
    database = await open();
    await forgetExpiredRolls();
    if (navigator.onLine) {
      try { roll = await fetchRoll(); } catch (error) { roll = null; }
      if (roll) { await saveRoll(); }
    }
    if (!roll) { roll = (await readRoll()) || null; }
    if (roll) { index(); }
    queue = await readQueue();
    render();
    showStatus();
    document.getElementById("offline-card-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const field = document.getElementById("offline-card");
      const token = field.value;
      field.value = "";
      await scanned(token);
      field.focus();
    });
    document.getElementById("offline-roll").addEventListener("change", (event) => {
      if (event.target.name === "person") { ticked(event.target); }
    });
    document.getElementById("offline-filter").addEventListener("input", render);
    document.getElementById("offline-upload").addEventListener("click", upload);
    document.getElementById("offline-camera").addEventListener("click", startCamera);
    window.addEventListener("online", () => { showStatus(); upload(); });
    window.addEventListener("offline", showStatus);
    if ("serviceWorker" in navigator) {
      try {
        await navigator.serviceWorker.register(root.dataset.worker, { scope: "/" });
        await navigator.serviceWorker.ready;
        // The page that registered the worker was not fetched through it: keep it now.
        if (navigator.onLine) {
          const cache = await caches.open("offline-check-in-v1");
          await cache.add(window.location.pathname);
        }
      } catch (error) {
        // Without the worker the page still queues; it just cannot be reopened without signal.
      }
    }
    if (navigator.onLine && queue.some((item) => item.status === "pending")) { await upload(); }
    root.dataset.ready = "1";
  }

  start();
})();
