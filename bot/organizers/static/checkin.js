// Kriya's check-in page: camera (BarcodeDetector) or search, every scan queued in localStorage with a random
// client id and sent once the connection allows; the server answers a retried id as it did the first time.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var config = JSON.parse($("checkin-config").textContent);
  var texts = config.texts;
  var QUEUE = "kriya-checkin-queue:" + config.training;
  var RETRY_MS = 5000;
  var SAME_CODE_MS = 3000; // the camera sees one QR many times a second: one scan per code in this time
  var MAX_MATCHES = 8;
  var people = config.people;
  var sending = false;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function normal(text) { return (text || "").toUpperCase().replace(/\s+/g, " ").trim(); }

  // -- the queue ---------------------------------------------------------------------------------------------
  function load() {
    try {
      var queue = JSON.parse(localStorage.getItem(QUEUE));
      return Array.isArray(queue) ? queue : [];
    } catch (e) { return []; }
  }
  function store(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }
  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function enqueue(ticket) {
    var item = { client_id: newId(), ticket: ticket, scanned_at: new Date().toISOString() };
    var queue = load();
    queue.push(item);
    store(queue);
    show("pending", ticket, texts.queued, item.client_id);
    showWaiting();
    flush();
  }

  function post(item) {
    return fetch(config.post, {
      method: "POST", credentials: "same-origin", cache: "no-store", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf },
      body: JSON.stringify(item)
    });
  }

  async function flush() {
    if (sending) { return; }
    sending = true;
    try {
      for (;;) {
        var queue = load();
        if (!queue.length) { break; }
        var item = queue[0];
        var response;
        try { response = await post(item); } catch (e) { setNet(false); break; } // offline: kept for later
        setNet(true);
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403
            || response.status >= 500) {
          show("pending", item.ticket, response.status === 401 || response.status === 0 ? texts.signed_out
            : response.status === 403 ? texts.stale : texts.server_error, item.client_id);
          break; // kept: sent again after signing in, reloading, or when the server is back
        }
        var body = {};
        try { body = await response.json(); } catch (e) { body = {}; }
        store(load().filter(function (other) { return other.client_id !== item.client_id; }));
        report(item, response.status, body);
      }
    } finally {
      sending = false;
      showWaiting();
    }
  }

  // -- what the page shows -----------------------------------------------------------------------------------
  function hhmm(iso) { return iso ? iso.slice(11, 16) : ""; }
  function personOf(ticket) {
    var wanted = normal(ticket);
    for (var i = 0; i < people.length; i++) { if (people[i].ticket === wanted) { return people[i]; } }
    return null;
  }

  function report(item, status, body) {
    var registration = status === 201 ? body : body.registration;
    var name = registration && registration.name ? registration.name : "";
    var label = (name ? name + " · " : "") + (registration ? registration.ticket : item.ticket);
    if (status === 201) {
      var known = personOf(registration.ticket);
      if (known && !known.at) { known.at = hhmm(body.checked_in_at); countArrived(); }
      show("ok", label, texts.checked_in + " " + hhmm(body.checked_in_at), item.client_id);
    } else if (status === 409) {
      addFailed(body, item.ticket, texts.reason_already);
      show("already", label, fill(texts.already_at, { time: hhmm(body.checked_in_at) }), item.client_id);
    } else {
      var reason = body.reason && texts["reason_" + body.reason];
      if (reason) { addFailed(body, item.ticket, reason); }
      show("refused", label, texts.refused + ": " + (reason || (body.errors && body.errors[0].message) || status),
        item.client_id);
    }
    search();
  }

  // The box says what the last scan did; the log keeps one line per scan (a queued line becomes its answer).
  function show(kind, title, detail, id) {
    var box = $("result");
    box.hidden = false;
    box.className = "result " + kind;
    box.dataset.kind = kind;
    box.textContent = "";
    box.appendChild(document.createTextNode(detail));
    var small = document.createElement("small");
    small.textContent = title;
    box.appendChild(small);
    if (!id) { return; }
    var log = $("log");
    var line = log.querySelector('li[data-id="' + id + '"]');
    if (!line) {
      line = document.createElement("li");
      line.dataset.id = id;
      line.dataset.time = new Date().toTimeString().slice(0, 5);
      log.insertBefore(line, log.firstChild);
    }
    line.className = kind;
    line.dataset.kind = kind;
    line.textContent = line.dataset.time + " · " + title + " · " + detail;
  }

  function addFailed(body, ticket, reason) {
    var row = document.createElement("tr");
    var day = body.day || "";
    [day.slice(8, 10) + "/" + day.slice(5, 7) + " " + new Date().toTimeString().slice(0, 5), ticket, reason]
      .forEach(function (text, i) {
        var cell = document.createElement("td");
        cell.dataset.label = document.querySelectorAll("table.failed th")[i].textContent;
        cell.textContent = text;
        row.appendChild(cell);
      });
    var table = $("failed");
    table.insertBefore(row, table.firstChild);
    table.parentNode.hidden = false;
    $("no-failed").hidden = true;
  }

  function countArrived() {
    $("arrived").textContent = people.filter(function (p) { return p.at; }).length;
  }
  function showWaiting() {
    var count = load().length;
    $("waiting").textContent = count ? "· " + fill(texts.waiting, { count: count }) : "";
  }
  function setNet(up) {
    var net = $("net");
    net.dataset.state = up ? "online" : "offline";
    net.textContent = "● " + (up ? texts.online : texts.offline);
  }

  // -- search --------------------------------------------------------------------------------------------------
  function search() {
    var query = normal($("search").value);
    var list = $("matches");
    list.textContent = "";
    if (!query) { return; }
    var found = people.filter(function (p) {
      return normal(p.name).indexOf(query) >= 0 || p.ticket.indexOf(query.replace(/\s/g, "")) >= 0;
    }).slice(0, MAX_MATCHES);
    found.forEach(function (person) {
      var row = document.createElement("li");
      var who = document.createElement("span");
      who.className = "who";
      var state = person.status !== "registered" ? texts.waitlisted
        : person.at ? fill(texts.at, { time: person.at }) : texts.not_yet;
      who.textContent = (person.name || "—") + " · " + person.ticket + " · " + state;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = texts.check_in;
      button.addEventListener("click", function () { enqueue(person.ticket); });
      row.appendChild(who);
      row.appendChild(button);
      list.appendChild(row);
    });
    var typed = query;
    if (!personOf(typed) && /^[A-Z0-9][A-Z0-9._\/-]{2,31}$/.test(typed) && /\d/.test(typed)) {
      // A code that is on nobody's list here is still recorded (and refused with its reason by the server).
      var other = document.createElement("li");
      var record = document.createElement("button");
      record.type = "button";
      record.textContent = fill(texts.check_in_ticket, { ticket: typed });
      record.addEventListener("click", function () { enqueue(typed); });
      other.appendChild(record);
      list.appendChild(other);
    } else if (!found.length) {
      var none = document.createElement("li");
      none.textContent = texts.no_match;
      list.appendChild(none);
    }
  }

  // -- camera --------------------------------------------------------------------------------------------------
  function ticketIn(value) {
    var text = (value || "").trim();
    var parts = text.split(/[\/:=?#]/).filter(Boolean); // a link or "ticket:CODE": the code is the last part
    return normal(parts.length ? parts[parts.length - 1] : text).replace(/\s/g, "");
  }

  function camera() {
    var button = $("camera"), note = $("camera-note"), video = $("video");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      note.textContent = texts.no_camera;
      note.hidden = false;
      return;
    }
    var stream = null, detector = null, last = "", lastAt = 0;
    button.hidden = false;
    async function look() {
      if (!stream) { return; }
      try {
        var codes = await detector.detect(video);
        if (codes.length) {
          var ticket = ticketIn(codes[0].rawValue);
          if (ticket && (ticket !== last || Date.now() - lastAt > SAME_CODE_MS)) {
            last = ticket;
            lastAt = Date.now();
            if (navigator.vibrate) { navigator.vibrate(80); }
            enqueue(ticket);
          }
        }
      } catch (e) { /* a frame not ready yet */ }
      setTimeout(look, 250);
    }
    function stop() {
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      video.hidden = true;
      button.textContent = texts.start_camera;
    }
    button.addEventListener("click", async function () {
      if (stream) { stop(); return; }
      try {
        detector = detector || new BarcodeDetector({ formats: ["qr_code"] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        button.textContent = texts.stop_camera;
        note.hidden = true;
        look();
      } catch (e) {
        stop();
        note.textContent = texts.camera_denied;
        note.hidden = false;
      }
    });
  }

  $("search").addEventListener("input", search);
  $("search").addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    var first = $("matches").querySelector("button");
    if (first && $("matches").querySelectorAll("button").length === 1) { first.click(); }
  });
  window.addEventListener("online", function () { setNet(true); flush(); });
  window.addEventListener("offline", function () { setNet(false); });
  setInterval(flush, RETRY_MS);
  setNet(navigator.onLine !== false);
  camera();
  showWaiting();
  load().forEach(function (item) { show("pending", item.ticket, texts.queued, item.client_id); });
  flush(); // what an earlier visit left in the queue
})();
