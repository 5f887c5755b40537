// Reports where the resident is in a video or audio resource, so that it resumes there next time.
// The page works without this file: the player has its own controls and the saved position is in
// the media URL (#t=); this only keeps the position up to date as the resident plays.
(function () {
  "use strict";
  var player = document.getElementById("learning-player");
  if (!player) { return; }
  var url = player.getAttribute("data-progress-url");
  var resume = parseInt(player.getAttribute("data-resume") || "0", 10) || 0;
  var form = document.getElementById("progress-form");
  var tokenField = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  var REPORT_EVERY_MS = 15000;
  var playedSince = 0;
  var lastTick = null;
  var lastSent = -1;

  function seekToSaved() {
    if (resume > 0 && player.currentTime < 1 && (!player.duration || resume < player.duration - 1)) {
      try { player.currentTime = resume; } catch (ignored) { /* not seekable yet */ }
    }
  }
  if (player.readyState >= 1) { seekToSaved(); } else { player.addEventListener("loadedmetadata", seekToSaved, { once: true }); }

  if (!url || !tokenField) { return; }

  player.addEventListener("timeupdate", function () {
    var now = Date.now();
    if (lastTick !== null && !player.paused) { playedSince += Math.min(now - lastTick, 2000); }
    lastTick = now;
  });
  player.addEventListener("pause", function () { lastTick = null; report(false); });
  player.addEventListener("ended", function () { report(false); });

  function body() {
    var data = new FormData();
    var position = Math.floor(player.currentTime || 0);
    data.append("csrfmiddlewaretoken", tokenField.value);
    data.append("via", "script");
    data.append("position", String(position));
    if (player.duration && isFinite(player.duration)) {
      var percent = player.ended ? 100 : Math.floor(100 * player.currentTime / player.duration);
      data.append("percent", String(Math.max(0, Math.min(100, percent))));
    }
    data.append("elapsed", String(Math.round(playedSince / 1000)));
    playedSince = 0;
    return { data: data, position: position };
  }

  function report(leaving) {
    if (player.currentTime < 1 && playedSince === 0) { return; }
    var next = body();
    if (next.position === lastSent && !leaving && !player.ended) { return; }
    lastSent = next.position;
    if (leaving && navigator.sendBeacon) {
      navigator.sendBeacon(url, next.data);
    } else {
      fetch(url, { method: "POST", body: next.data, credentials: "same-origin", keepalive: true }).catch(function () {});
    }
  }

  window.setInterval(function () { if (!player.paused) { report(false); } }, REPORT_EVERY_MS);
  window.addEventListener("pagehide", function () { report(true); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { report(true); } });
}());
