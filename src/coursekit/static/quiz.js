/* coursekit quizzes: classic script, no dependencies, no network. DOM contract:
   book/about/instructors.md. Bank HTML comes sanitised from Python; other text uses textContent. */
(function () {
  "use strict";
  if (window.CourseQuiz) { window.CourseQuiz.init(document); return; }
  var PREFIX = "coursekit-quiz:";
  var NEED = { single: "Choose an answer first.", multiple: "Choose at least one answer.",
    numeric: "Enter a number first.", match: "Choose a category for every statement." };

  function $(root, sel) { return root.querySelector(sel); }
  function $$(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* Inverse of coursekit.quiz.render.encode_payload (FNV-1a seed, xorshift32 XOR). */
  function decode(token, seed) {
    var h = 2166136261, seedBytes = new TextEncoder().encode(seed), i;
    for (i = 0; i < seedBytes.length; i++) { h = Math.imul(h ^ seedBytes[i], 16777619) >>> 0; }
    var x = h || 0x9E3779B9, bin = atob(token), out = new Uint8Array(bin.length);
    for (i = 0; i < bin.length; i++) {
      x = (x ^ (x << 13)) >>> 0; x = (x ^ (x >>> 17)) >>> 0; x = (x ^ (x << 5)) >>> 0;
      out[i] = bin.charCodeAt(i) ^ (x & 255);
    }
    return JSON.parse(new TextDecoder().decode(out));
  }

  /* localStorage may be unavailable or full: never fail because of it. */
  function safe(f) { try { return f(); } catch (e) { return null; } }

  function steps(it) { return $$(it.list, "[data-step]"); }
  function order(it) { return steps(it).map(function (li) { return +li.dataset.step; }); }
  function button(it, action) { return $(it.el, "[data-action=" + action + "]"); }

  function value(it) {
    if (it.choice) {
      return $$(it.el, "fieldset input:checked").map(function (i) { return +i.value; });
    }
    if (it.type === "numeric") { return $(it.el, "fieldset input").value; }
    if (it.type === "match") { return $$(it.el, "fieldset select").map(function (s) { return s.value; }); }
    return order(it);
  }

  function setValue(it, v) {
    if (it.choice) {
      $$(it.el, "fieldset input").forEach(function (i) { i.checked = v.indexOf(+i.value) >= 0; });
    } else if (it.type === "numeric") {
      $(it.el, "fieldset input").value = v;
    } else if (it.type === "match") {
      $$(it.el, "fieldset select").forEach(function (s, n) { s.value = v[n] || ""; });
    } else {
      var byStep = {};
      steps(it).forEach(function (li) { byStep[li.dataset.step] = li; });
      v.forEach(function (s) { it.list.appendChild(byStep[s]); });
      updateMoves(it);
    }
  }

  function validValue(it, v) {
    return it.type === "numeric" ? typeof v === "string" : Array.isArray(v) &&
      (it.type !== "order" || v.slice().sort().join() === it.initial.slice().sort().join());
  }

  /* null for an incomplete answer, else {ok, parts (sanitised HTML), note} */
  function evaluate(it, v) {
    var d = it.data, parts, note = "", ok;
    if (it.choice) {
      if (!v.length) { return null; }
      ok = v.length === d.correct.length && v.every(function (i) { return d.correct.indexOf(i) >= 0; });
      parts = v.map(function (i) { return d.feedback[i]; });
      if (it.type === "multiple" && d.correct.some(function (i) { return v.indexOf(i) < 0; })) {
        note = "At least one correct answer is not selected.";
      }
    } else if (it.type === "numeric") {
      var x = parseFloat(v.replace(",", "."));
      if (!v.trim() || !isFinite(x)) { return null; }
      ok = Math.abs(x - d.answer) <= d.tolerance + 1e-9 * Math.max(1, Math.abs(d.answer));
      parts = [ok ? d.correct : d.incorrect];
    } else {
      if (v.some(function (c) { return c === ""; })) { return null; }
      var hits = v.map(function (c, n) { return String(c) === String(d.answer[n]); }),
        right = hits.filter(Boolean).length;
      ok = right === v.length;
      parts = it.type === "match"
        ? d.feedback.filter(function (f, n) { return ok || !hits[n]; })
        : v.filter(function (s, n) { return ok || !hits[n]; }).map(function (s) { return d.feedback[s]; });
      note = right + " of " + v.length +
        (it.type === "match" ? " statements are in the right category." : " are in the right position.");
    }
    return { ok: ok, parts: parts, note: note };
  }

  function show(it, r) {
    var box = el("div", "ck-quiz-result ck-quiz-" + (r.ok ? "correct" : "wrong"));
    var p = box.appendChild(el("p", "ck-quiz-verdict"));
    p.appendChild(el("span", "ck-quiz-icon", r.ok ? "\u2713" : "\u2717")).setAttribute("aria-hidden", "true");
    p.appendChild(document.createTextNode(" "));
    p.appendChild(el("strong", "", r.ok ? "Correct." : "Not quite."));
    if (r.note) { p.appendChild(document.createTextNode(" " + r.note)); }
    var parts = r.parts.filter(Boolean);
    if (parts.length) {
      var ul = box.appendChild(el("ul", "ck-quiz-feedback-list"));
      parts.forEach(function (html) { ul.appendChild(el("li")).innerHTML = html; /* pre-sanitised */ });
    }
    it.feedback.textContent = "";
    it.feedback.appendChild(box);
  }

  function lock(it, on) {
    $$(it.el, "fieldset input, fieldset select, fieldset button").forEach(function (c) { c.disabled = on; });
    if (!on && it.list) { updateMoves(it); }
    button(it, "check").hidden = on;
    button(it, "retry").hidden = !on;
  }

  function check(it, restoring) {
    var r = evaluate(it, value(it));
    if (!r) {
      it.feedback.textContent = "";
      it.feedback.appendChild(el("p", "ck-quiz-verdict", NEED[it.type]));
      return;
    }
    if (!restoring) { it.attempts += 1; }
    it.checked = true;
    it.correct = r.ok;
    show(it, r);
    lock(it, true);
    if (!restoring) { button(it, "retry").focus(); }
  }

  function retry(it, focus) {
    it.checked = it.correct = false;
    it.feedback.textContent = "";
    lock(it, false);
    if (focus) {
      ($(it.el, "fieldset input:checked") || $(it.el, "fieldset input, fieldset select, fieldset button:not([disabled])")).focus();
    }
  }

  function reveal(it, open) {
    var box = it.explanation, btn = button(it, "reveal"), src = it.data.sources;
    if (open && !box.firstChild) {
      box.appendChild(el("p", "ck-quiz-explanation-label", "Explanation"));
      box.appendChild(el("div")).innerHTML = it.data.explanation; /* pre-sanitised */
      if (src.length) { box.appendChild(el("p", "ck-quiz-sources", "Source" + (src.length > 1 ? "s: " : ": ") + src.join("; "))); }
    }
    box.hidden = !open;
    it.revealed = open;
    btn.setAttribute("aria-expanded", String(open));
    btn.textContent = open ? "Hide explanation" : "Show explanation";
  }

  function updateMoves(it) {
    var lis = steps(it);
    lis.forEach(function (li, n) {
      $(li, "[data-move=up]").disabled = n === 0;
      $(li, "[data-move=down]").disabled = n === lis.length - 1;
    });
  }

  function move(it, btn, dir) {
    var li = btn.closest("[data-step]");
    var sib = dir === "up" ? li.previousElementSibling : li.nextElementSibling;
    if (!sib) { return; }
    if (dir === "up") { it.list.insertBefore(li, sib); } else { it.list.insertBefore(sib, li); }
    updateMoves(it);
    var same = $(li, "[data-move=" + dir + "]");
    (same.disabled ? $(li, "[data-move=" + (dir === "up" ? "down" : "up") + "]") : same).focus();
    var pos = order(it).indexOf(+li.dataset.step) + 1;
    it.status.textContent = "Moved to position " + pos + " of " + it.initial.length + ".";
  }

  function makeItem(node, quizId) {
    var type = node.getAttribute("data-item-type");
    var it = {
      el: node, id: node.getAttribute("data-item-id"), type: type, choice: /^(single|multiple)$/.test(type),
      attempts: 0, checked: false, correct: false, revealed: false,
      feedback: $(node, "[data-quiz-feedback]"), explanation: $(node, "[data-quiz-explanation]"),
      list: $(node, ".ck-quiz-sequence"), status: $(node, "[data-quiz-status]")
    };
    try {
      it.data = decode(node.getAttribute("data-quiz-payload"), quizId + "/" + it.id);
    } catch (e) {
      it.data = null;
      it.feedback.textContent = "This question could not be loaded.";
      $$(node, "button").forEach(function (b) { b.disabled = true; });
    }
    if (it.list) { it.initial = order(it); updateMoves(it); }
    return it;
  }

  function setup(root) {
    if (root.getAttribute("data-quiz-ready")) { return; }
    root.setAttribute("data-quiz-ready", "true");
    var id = root.getAttribute("data-quiz-id");
    var key = PREFIX + id + ":" + (root.getAttribute("data-quiz-version") || "");
    var score = $(root, "[data-quiz-score]");
    var items = $$(root, "[data-item-id]").map(function (node) { return makeItem(node, id); });
    var byId = {};
    items.forEach(function (it) { byId[it.id] = it; });

    function updateScore(prefix) {
      var n = items.filter(function (it) { return it.checked && it.correct; }).length;
      score.textContent = (prefix || "") + n + " of " + items.length + " correct";
    }
    function persist() {
      var state = { items: {} };
      items.forEach(function (it) {
        if (it.data) {
          state.items[it.id] = { value: value(it), checked: it.checked, attempts: it.attempts, revealed: it.revealed };
        }
      });
      safe(function () { localStorage.setItem(key, JSON.stringify(state)); });
    }
    function act(it, action, dir, btn) {
      if (dir) { move(it, btn, dir); }
      else if (action === "check") { check(it, false); }
      else if (action === "retry") { retry(it, true); }
      else if (action === "reveal") { reveal(it, !it.revealed); }
      persist();
      updateScore();
    }
    function reset() {
      safe(function () { localStorage.removeItem(key); });
      items.forEach(function (it) {
        if (!it.data) { return; }
        retry(it);
        setValue(it, it.type === "numeric" ? "" : it.type === "order" ? it.initial : []);
        it.attempts = 0;
        if (it.status) { it.status.textContent = ""; }
        reveal(it, false);
      });
      updateScore("Quiz reset. ");
    }

    safe(function () { /* drop progress on older versions */
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k !== key && k.indexOf(PREFIX + id + ":") === 0) { localStorage.removeItem(k); }
      }
    });
    var saved = safe(function () { return JSON.parse(localStorage.getItem(key)); });
    items.forEach(function (it) {
      var s = saved && saved.items && saved.items[it.id];
      if (!s || !it.data || !validValue(it, s.value)) { return; }
      setValue(it, s.value);
      it.attempts = s.attempts || 0;
      if (s.checked) { check(it, true); }
      if (s.revealed) { reveal(it, true); }
    });
    updateScore();

    root.addEventListener("click", function (ev) {
      var btn = ev.target.closest ? ev.target.closest("button") : null;
      if (!btn || !root.contains(btn) || btn.disabled) { return; }
      var action = btn.getAttribute("data-action");
      if (action === "reset") { reset(); return; }
      var node = btn.closest("[data-item-id]");
      var it = node && byId[node.getAttribute("data-item-id")];
      if (it && it.data) { act(it, action, btn.getAttribute("data-move"), btn); }
    });
    root.addEventListener("keydown", function (ev) { /* Enter in a number field checks it */
      if (ev.key !== "Enter" || !ev.target.matches("input[type=number]")) { return; }
      ev.preventDefault();
      act(byId[ev.target.closest("[data-item-id]").getAttribute("data-item-id")], "check");
    });
    root.addEventListener("change", persist);
    root.addEventListener("input", persist);
  }

  function init(scope) {
    scope = scope || document;
    var roots = $$(scope, "[data-quiz-id]");
    if (scope.matches && scope.matches("[data-quiz-id]")) { roots.unshift(scope); }
    roots.forEach(function (root) {
      try { setup(root); } catch (e) { console.error("quiz: " + e); }
    });
  }

  window.CourseQuiz = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
