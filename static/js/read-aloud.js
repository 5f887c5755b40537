// Read aloud (朗读): reads an article or an activity notice with the browser's own speech synthesis.
// The button is in the page with the `hidden` attribute and shown only where the browser has a
// Chinese voice; without this script, or without such a voice, the page is simply read as text.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!buttons.length || !synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var MAX_CHUNK = 120;  // some engines stop a long utterance part-way: speak sentence by sentence
  var current = null;

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    var best = null;
    for (var i = 0; i < voices.length; i += 1) {
      var lang = String(voices[i].lang || "").replace("_", "-").toLowerCase();
      if (lang === "zh-cn" || lang === "cmn-cn" || lang === "zh-hans-cn") { return voices[i]; }
      if (!best && (lang.indexOf("zh") === 0 || lang.indexOf("cmn") === 0)) { best = voices[i]; }
    }
    return best;
  }

  function textOf(target) {
    var parts = [];
    var blocks = target.querySelectorAll("h1, h2, p, dt, dd");
    for (var i = 0; i < blocks.length; i += 1) {
      if (blocks[i].closest("[data-read-skip]")) { continue; }
      var text = (blocks[i].innerText || blocks[i].textContent || "").trim();
      if (text) { parts.push(text); }
    }
    return parts;
  }

  function chunks(parts) {
    var out = [];
    parts.forEach(function (part) {
      var sentences = part.match(/[^。！？!?；;\n]+[。！？!?；;]*/g) || [part];
      var buffer = "";
      sentences.forEach(function (sentence) {
        if (buffer && (buffer + sentence).length > MAX_CHUNK) { out.push(buffer); buffer = ""; }
        buffer += sentence;
        while (buffer.length > MAX_CHUNK) { out.push(buffer.slice(0, MAX_CHUNK)); buffer = buffer.slice(MAX_CHUNK); }
      });
      if (buffer.trim()) { out.push(buffer); }
    });
    return out;
  }

  function showIdle(button) {
    button.textContent = button.getAttribute("data-label-start");
    button.setAttribute("aria-pressed", "false");
  }

  function stop() {
    synth.cancel();
    if (current) { showIdle(current); current = null; }
  }

  function start(button) {
    var voice = chineseVoice();
    var target = document.getElementById(button.getAttribute("data-read-aloud"));
    if (!voice || !target) { return; }
    stop();
    var pieces = chunks(textOf(target));
    if (!pieces.length) { return; }
    current = button;
    button.textContent = button.getAttribute("data-label-stop");
    button.setAttribute("aria-pressed", "true");
    pieces.forEach(function (piece, index) {
      var utterance = new window.SpeechSynthesisUtterance(piece);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;  // a little slower than the default, for older listeners
      if (index === pieces.length - 1) {
        utterance.addEventListener("end", function () { if (current === button) { showIdle(button); current = null; } });
      }
      synth.speak(utterance);
    });
  }

  function reveal() {
    if (!chineseVoice()) { return; }
    buttons.forEach(function (button) { button.hidden = false; });
  }

  buttons.forEach(function (button) {
    showIdle(button);
    button.addEventListener("click", function () {
      if (current === button) { stop(); } else { start(button); }
    });
  });
  reveal();
  if (typeof synth.addEventListener === "function") { synth.addEventListener("voiceschanged", reveal); }
  window.addEventListener("pagehide", function () { synth.cancel(); });
}());
