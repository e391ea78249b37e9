// Kriya's training page, live: every few seconds (while the tab is visible) ask whether who comes changed, sending
// the version the page shows; 304 means nothing did, 200 brings the page's live parts, each replacing the element
// of the same id. A failed ask is retried later, less and less often, and said quietly on the page.
(function () {
  "use strict";
  var source = document.getElementById("live-config");
  var status = document.getElementById("live-status");
  if (!source || !status || !window.fetch || !window.DOMParser) { return; }
  var config = JSON.parse(source.textContent);
  var texts = config.texts;
  var version = config.version;
  var delay = config.poll_ms;
  var timer = null;
  var asking = false;

  function say(text) { status.textContent = text; }
  function now() {
    try { return new Date().toLocaleTimeString(config.lang, { hour: "2-digit", minute: "2-digit" }); }
    catch (e) { return new Date().toTimeString().slice(0, 5); }
  }
  function later(ms) {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(ask, ms);
  }
  function failed(text) {
    say(text);
    status.dataset.failed = "1";
    delay = Math.min(delay * 2, config.retry_max_ms);
    later(delay);
  }

  // The parts in `html` replace their namesakes; not while the person is using one (a focused link or button):
  // then nothing changes and the next ask brings them again.
  function apply(html) {
    var parts = new DOMParser().parseFromString(html, "text/html").querySelectorAll("[data-live][id]");
    var focused = document.activeElement;
    var targets = [];
    for (var i = 0; i < parts.length; i++) {
      var target = document.getElementById(parts[i].id);
      if (!target) { continue; }
      if (focused && focused !== document.body && target.contains(focused)) { return false; }
      targets.push([target, parts[i]]);
    }
    targets.forEach(function (pair) { pair[0].replaceWith(document.importNode(pair[1], true)); });
    return true;
  }

  async function ask() {
    timer = null;
    if (asking || document.hidden) { return; }
    asking = true;
    try {
      var response = await fetch(config.url, {
        credentials: "same-origin", cache: "no-store", redirect: "manual",
        headers: { "If-None-Match": version }
      });
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return failed(texts.live_signed_out);
      }
      if (response.status === 304) {
        delay = config.poll_ms;
        if (status.dataset.failed) { say(texts.live_on); delete status.dataset.failed; }
        return later(delay);
      }
      if (response.status !== 200) { return failed(texts.live_failed); }
      var html = await response.text();
      if (apply(html)) {
        version = response.headers.get("ETag") || version;
        say(texts.live_updated.replace("{time}", now()));
      } else if (status.dataset.failed) {
        say(texts.live_on);
      }
      delete status.dataset.failed;
      delay = config.poll_ms;
      later(delay);
    } catch (e) {
      failed(texts.live_failed);
    } finally {
      asking = false;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { window.clearTimeout(timer); timer = null; } else { delay = config.poll_ms; ask(); }
  });
  say(texts.live_on);
  later(delay);
})();
