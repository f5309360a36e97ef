/* coursekit progress page: classic script, no dependencies, no network. Reads the progress
   quiz.js keeps in localStorage (key "coursekit-quiz:<bank>:<version>", value
   {items: {<item id>: {value, checked, correct, attempts, revealed}}}) and shows it per quiz and
   per learning objective, with a review quiz of the items missed. Bank HTML comes sanitised
   from Python; other text uses textContent. Nothing is sent anywhere. */
(function () {
  "use strict";
  if (window.CourseProgress) { window.CourseProgress.init(document); return; }
  var PREFIX = "coursekit-quiz:";

  function $(root, sel) { return root.querySelector(sel); }
  function $$(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  function safe(f) { try { return f(); } catch (e) { return null; } }

  /* Inverse of coursekit.quiz.progress._encode: base64 of gzipped UTF-8 JSON. */
  function decode(token) {
    var bin = atob(token), bytes = new Uint8Array(bin.length), i;
    for (i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  /* What coursekit.quiz.render.encode_payload writes: base64 of UTF-8 JSON. */
  function encode(data) {
    var bytes = new TextEncoder().encode(JSON.stringify(data)), bin = "", i;
    for (i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin);
  }

  function saved(bank) {
    var data = safe(function () {
      return JSON.parse(localStorage.getItem(PREFIX + bank.id + ":" + bank.version));
    });
    return data && data.items && typeof data.items === "object" ? data.items : {};
  }

  /* "correct", "wrong", "open-done" (rated fully), "open-missed" (not yet / partly) or "" */
  function status(item, s) {
    if (!s) { return ""; }
    if (item.type === "open") {
      var rating = s.value && s.value.rating;
      return !rating ? "" : rating === "fully" ? "open-done" : "open-missed";
    }
    return s.checked ? (s.correct ? "correct" : "wrong") : "";
  }

  function tally() { return { total: 0, answered: 0, correct: 0, open: 0, rated: 0 }; }
  function add(t, item, st) {
    if (item.type === "open") {
      t.open += 1;
      if (st) { t.rated += 1; }
    } else {
      t.total += 1;
      if (st) { t.answered += 1; }
      if (st === "correct") { t.correct += 1; }
    }
  }

  function summarise(banks) {
    var all = tally(), objectives = {}, order = [], missed = [];
    var perBank = banks.map(function (bank) {
      var t = tally(), s = saved(bank);
      bank.items.forEach(function (item) {
        var st = status(item, s[item.id]);
        if (!objectives[item.objective]) {
          objectives[item.objective] = tally();
          objectives[item.objective].text = item.objective_text || item.objective;
          order.push(item.objective);
        }
        add(t, item, st); add(all, item, st); add(objectives[item.objective], item, st);
        if (st === "wrong" || st === "open-missed") { missed.push({ bank: bank, item: item }); }
      });
      return t;
    });
    return { all: all, banks: perBank, objectives: objectives, order: order, missed: missed };
  }

  function cells(row, t) {
    row.appendChild(el("td", "", t.answered + " of " + t.total));
    row.appendChild(el("td", "", t.answered ? t.correct + " of " + t.answered : "\u2014"));
    row.appendChild(el("td", "", t.open ? t.rated + " of " + t.open : "\u2014"));
  }

  function fillTables(root, banks, sum) {
    var body = $(root, "[data-progress-table=banks] tbody");
    body.textContent = "";
    banks.forEach(function (bank, n) {
      var row = body.appendChild(el("tr")), th = row.appendChild(el("th"));
      th.scope = "row";
      row.setAttribute("data-progress-bank", bank.id);
      if (bank.page) {
        var a = th.appendChild(el("a", "", bank.title));
        a.href = bank.page;
      } else { th.textContent = bank.title; }
      cells(row, sum.banks[n]);
    });
    body = $(root, "[data-progress-table=objectives] tbody");
    body.textContent = "";
    sum.order.forEach(function (name) {
      var row = body.appendChild(el("tr"));
      row.setAttribute("data-progress-objective", name);
      row.appendChild(el("th", "", sum.objectives[name].text)).scope = "row";
      cells(row, sum.objectives[name]);
    });
  }

  function statusText(sum) {
    var a = sum.all;
    return "You have answered " + a.answered + " of " + a.total +
      (a.total === 1 ? " scored question" : " scored questions") + " in the book, " +
      a.correct + " correctly, and rated " + a.rated + " of " + a.open + " open answers. " +
      (sum.missed.length === 1 ? "1 question to review." : sum.missed.length + " questions to review.");
  }

  function buildReview(root, sum) {
    var box = $(root, "[data-progress-review]"), intro = $(root, "[data-progress-review-intro]");
    box.textContent = "";
    if (!sum.missed.length) {
      intro.textContent = sum.all.answered + sum.all.rated
        ? "Nothing to review: every question you answered is correct, and every open answer you rated is rated fully."
        : "Nothing to review yet. Answer some quiz questions in the book, then come back.";
      return;
    }
    intro.textContent = "The questions you last answered wrongly, and the open answers you rated " +
      "\u201cnot yet\u201d or \u201cpartly\u201d (" + sum.missed.length + " in all). Answering them here " +
      "updates your progress in the book.";
    var byBank = [];
    sum.missed.forEach(function (m) {
      var last = byBank[byBank.length - 1];
      if (!last || last.bank !== m.bank) { byBank.push(last = { bank: m.bank, ids: [] }); }
      last.ids.push(m.item.id);
    });
    byBank.forEach(function (group) {
      var bank = group.bank, tpl = document.createElement("template");
      tpl.innerHTML = bank.markup; /* pre-sanitised, rendered by coursekit.quiz.render */
      var section = tpl.content.querySelector("[data-quiz-id]");
      if (!section) { return; }
      section.setAttribute("data-quiz-review", "true");
      $$(section, "[data-item-id]").forEach(function (li) {
        var id = li.getAttribute("data-item-id");
        if (group.ids.indexOf(id) < 0) { li.remove(); return; }
        li.setAttribute("data-quiz-payload", encode(bank.payloads[id]));
      });
      var title = $(section, ".ck-quiz-title");
      if (title) { title.textContent = "Review: " + bank.title; }
      var intro2 = $(section, ".ck-quiz-intro");
      if (intro2) {
        intro2.textContent = group.ids.length + (group.ids.length === 1 ? " question" : " questions") +
          " to review. Your answers are kept in this browser only, and nothing is sent anywhere.";
      }
      $$(section, "[data-action=reset]").forEach(function (b) { b.remove(); });
      if (!$(section, "[data-item-type=open]")) { $$(section, "[data-quiz-self]").forEach(function (p) { p.remove(); }); }
      if (!$(section, "[data-item-id]:not([data-item-type=open])")) { $$(section, "[data-quiz-score]").forEach(function (p) { p.remove(); }); }
      box.appendChild(section);
    });
    if (window.CourseQuiz) { window.CourseQuiz.init(box); }
  }

  function setup(root) {
    if (root.getAttribute("data-progress-ready")) { return; }
    root.setAttribute("data-progress-ready", "pending");
    /* JupyterLab keeps no quiz progress in the browser: leave the explanation in place. */
    if (document.body && document.body.hasAttribute("data-jp-theme-light")) { return; }
    var ui = $(root, "[data-progress-ui]"), say = $(root, "[data-progress-status]");
    var resetBtn = $(root, "[data-progress-action=reset]"), confirmBox = $(root, "[data-progress-confirm]");
    var banks = [], timer = null;

    function refresh(announce, prefix) {
      var sum = summarise(banks);
      fillTables(root, banks, sum);
      if (announce) { say.textContent = (prefix || "") + statusText(sum); }
      return sum;
    }
    function askConfirm(open) {
      confirmBox.hidden = !open;
      resetBtn.setAttribute("aria-expanded", String(open));
      (open ? $(confirmBox, "[data-progress-action=cancel]") : resetBtn).focus();
    }
    function resetAll() {
      safe(function () {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var k = localStorage.key(i);
          if (k && k.indexOf(PREFIX) === 0) { localStorage.removeItem(k); }
        }
      });
      confirmBox.hidden = true;
      resetBtn.setAttribute("aria-expanded", "false");
      buildReview(root, refresh(true, "All quiz progress was deleted from this browser. "));
      resetBtn.focus();
    }

    root.addEventListener("click", function (ev) {
      var btn = ev.target.closest ? ev.target.closest("[data-progress-action]") : null;
      if (!btn || !root.contains(btn)) { return; }
      var action = btn.getAttribute("data-progress-action");
      if (action === "reset") { askConfirm(confirmBox.hidden); }
      else if (action === "cancel") { askConfirm(false); }
      else if (action === "confirm") { resetAll(); }
    });
    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(false); }, 50);
    }
    document.addEventListener("coursekit-quiz-saved", later);
    window.addEventListener("storage", later);

    decode(root.getAttribute("data-progress-banks")).then(function (data) {
      banks = data;
      $$(root, "[data-progress-fallback]").forEach(function (p) { p.hidden = true; });
      ui.hidden = false;
      buildReview(root, refresh(true));
      root.setAttribute("data-progress-ready", "true");
    }).catch(function (e) {
      root.setAttribute("data-progress-ready", "error");
      $$(root, "[data-progress-fallback]").forEach(function (p) {
        p.textContent = "This browser cannot show the progress page (it needs a recent browser).";
      });
      console.warn("progress: " + e);
    });
  }

  function init(scope) {
    scope = scope || document;
    var roots = $$(scope, "[data-progress]");
    if (scope.matches && scope.matches("[data-progress]")) { roots.unshift(scope); }
    roots.forEach(function (root) {
      try { setup(root); } catch (e) { console.error("progress: " + e); }
    });
  }

  window.CourseProgress = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
