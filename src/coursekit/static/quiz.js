/* coursekit quizzes: classic script, no dependencies, no network. DOM contract:
   book/about/instructors.md. Bank HTML comes sanitised from Python; other text uses textContent. */
(function () {
  "use strict";
  if (window.CourseQuiz) { window.CourseQuiz.init(document); return; }
  var PREFIX = "coursekit-quiz:";
  var NEED = { single: "Choose an answer first.", multiple: "Choose at least one answer.",
    numeric: "Enter a number first.", match: "Choose a category for every statement.",
    open: "Write your answer first; then compare it with the model answer." };

  function $(root, sel) { return root.querySelector(sel); }
  function $$(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function setHtml(node, html) { node.innerHTML = html; /* pre-sanitised in Python */ return node; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* Inverse of coursekit.quiz.render.encode_payload: base64 of UTF-8 JSON. */
  function decode(token) {
    var bin = atob(token), bytes = new Uint8Array(bin.length), i;
    for (i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  }

  /* localStorage may be unavailable or full: never fail because of it. */
  function safe(f) { try { return f(); } catch (e) { return null; } }

  function steps(it) { return $$(it.list, "[data-step]"); }
  function order(it) { return steps(it).map(function (li) { return +li.dataset.step; }); }
  function button(it, action) { return $(it.el, "[data-action=" + action + "]"); }

  /* Open items: the text, the rubric criteria ticked and the self-rating. */
  function openValue(it) {
    return { text: it.text.value, met: it.self.met.slice(), rating: it.self.rating };
  }
  function syncSelf(it) {
    $$(it.explanation, "input[data-criterion]").forEach(function (c) {
      c.checked = it.self.met.indexOf(+c.getAttribute("data-criterion")) >= 0;
    });
    $$(it.explanation, "input[data-rating]").forEach(function (r) { r.checked = r.value === it.self.rating; });
    it.checked = !!it.self.rating;
    it.correct = it.self.rating === "fully";
  }

  function value(it) {
    if (it.type === "open") { return openValue(it); }
    if (it.choice) {
      return $$(it.el, "fieldset input:checked").map(function (i) { return +i.value; });
    }
    if (it.type === "numeric") { return $(it.el, "fieldset input").value; }
    if (it.type === "match") { return $$(it.el, "fieldset select").map(function (s) { return s.value; }); }
    return order(it);
  }

  function setValue(it, v) {
    if (it.type === "open") {
      it.text.value = v.text || "";
      it.self = { met: (v.met || []).filter(function (i) { return i >= 0 && i < it.data.rubric.length; }),
        rating: it.data.ratings.some(function (r) { return r[0] === v.rating; }) ? v.rating : "" };
      syncSelf(it);
    } else if (it.choice) {
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
    if (it.type === "open") { return !!v && typeof v === "object" && typeof v.text === "string"; }
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
    if (it.type === "open") { return; }
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

  function say(it, text) {
    it.feedback.textContent = "";
    it.feedback.appendChild(el("p", "ck-quiz-verdict", text));
  }

  function selfNote(it) {
    var label = "";
    it.data.ratings.forEach(function (r) { if (r[0] === it.self.rating) { label = r[1]; } });
    return (label ? "Your rating: " + label.toLowerCase() + ". " : "Not rated yet. ") +
      it.self.met.length + " of " + it.data.rubric.length + " points covered. Kept in this browser only.";
  }

  function choiceRow(list, type, id, name, html, attr, val) {
    var li = list.appendChild(el("li", "ck-quiz-option")), input = li.appendChild(el("input"));
    input.type = type; input.id = id; input.name = name; input.value = val; input.setAttribute(attr, val);
    li.appendChild(document.createTextNode(" "));
    setHtml(li.appendChild(el("label")), html).htmlFor = id;
  }

  function buildOpen(it) {
    var box = it.explanation, d = it.data, base = it.el.id;
    box.appendChild(el("p", "ck-quiz-explanation-label", "Model answer"));
    setHtml(box.appendChild(el("div", "ck-quiz-model")), d.model);
    var fs = box.appendChild(el("fieldset", "ck-quiz-rubric"));
    fs.appendChild(el("legend", "", "Checklist: tick each point your answer covers"));
    var ul = fs.appendChild(el("ul", "ck-quiz-options"));
    d.rubric.forEach(function (html, n) {
      choiceRow(ul, "checkbox", base + "-c" + n, base + "-criteria", html, "data-criterion", String(n));
    });
    var rf = box.appendChild(el("fieldset", "ck-quiz-rating"));
    rf.appendChild(el("legend", "", "How well does your answer match? (self-assessed, not scored)"));
    var rl = rf.appendChild(el("ul", "ck-quiz-options ck-quiz-ratings"));
    d.ratings.forEach(function (r) {
      choiceRow(rl, "radio", base + "-r-" + r[0], base + "-rating", "", "data-rating", r[0]);
      rl.lastChild.querySelector("label").textContent = r[1];
    });
    explain(box, d);
    syncSelf(it);
  }

  function revealOpen(it, open, restoring) {
    var btn = button(it, "reveal");
    if (open && !restoring && !it.text.value.trim()) { say(it, NEED.open); it.text.focus(); return; }
    if (open && !it.explanation.firstChild) { buildOpen(it); }
    it.explanation.hidden = !open;
    it.revealed = open;
    btn.setAttribute("aria-expanded", String(open));
    btn.textContent = open ? "Hide model answer" : "Show model answer";
    if (!restoring) {
      say(it, open ? "Model answer and checklist shown below the question. " + selfNote(it) : "Model answer hidden.");
    }
  }

  function rate(it, target) {
    if (target.hasAttribute("data-criterion")) {
      var n = +target.getAttribute("data-criterion"), at = it.self.met.indexOf(n);
      if (target.checked && at < 0) { it.self.met.push(n); it.self.met.sort(); }
      if (!target.checked && at >= 0) { it.self.met.splice(at, 1); }
    } else if (target.checked) {
      it.self.rating = target.value;
    }
    syncSelf(it);
    say(it, "Saved. " + selfNote(it));
  }

  function explain(box, d) {
    box.appendChild(el("p", "ck-quiz-explanation-label", "Explanation"));
    setHtml(box.appendChild(el("div")), d.explanation);
    if (d.sources.length) {
      box.appendChild(el("p", "ck-quiz-sources", "Source" + (d.sources.length > 1 ? "s: " : ": ") + d.sources.join("; ")));
    }
  }

  function reveal(it, open, restoring) {
    if (it.type === "open") { revealOpen(it, open, restoring); return; }
    var box = it.explanation, btn = button(it, "reveal");
    if (open && !box.firstChild) {
      explain(box, it.data);
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

  function makeItem(node) {
    var type = node.getAttribute("data-item-type");
    var it = {
      el: node, id: node.getAttribute("data-item-id"), type: type, choice: /^(single|multiple)$/.test(type),
      attempts: 0, checked: false, correct: false, revealed: false,
      feedback: $(node, "[data-quiz-feedback]"), explanation: $(node, "[data-quiz-explanation]"),
      list: $(node, ".ck-quiz-sequence"), status: $(node, "[data-quiz-status]"),
      text: $(node, "textarea"), self: { met: [], rating: "" }
    };
    try {
      it.data = decode(node.getAttribute("data-quiz-payload"));
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
    var score = $(root, "[data-quiz-score]"), selfScore = $(root, "[data-quiz-self]");
    var review = root.hasAttribute("data-quiz-review");
    var items = $$(root, "[data-item-id]").map(function (node) { return makeItem(node); });
    var byId = {};
    items.forEach(function (it) { byId[it.id] = it; });

    function updateScore(prefix) {
      var graded = items.filter(function (it) { return it.type !== "open"; }),
        open = items.filter(function (it) { return it.type === "open"; });
      var n = graded.filter(function (it) { return it.checked && it.correct; }).length;
      var text = (prefix || "") + n + " of " + graded.length + " correct";
      if (score && score.textContent !== text) { score.textContent = text; }
      if (selfScore) {
        var rated = open.filter(function (it) { return it.checked; }).length;
        text = rated + " of " + open.length + " open answers self-assessed (not counted in the score)";
        if (selfScore.textContent !== text) { selfScore.textContent = text; }
      }
    }
    /* Progress lives in memory; only the item acted on is re-read, and the localStorage
       write is batched after feedback is shown, so a click stays cheap with any bank size. */
    var state = { items: {} }, timer = null;
    function flush() {
      timer = null;
      safe(function () { localStorage.setItem(key, JSON.stringify(state)); });
      root.dispatchEvent(new CustomEvent("coursekit-quiz-saved", { bubbles: true, detail: { key: key } }));
    }
    function persist(it) {
      if (!it || !it.data) { return; }
      state.items[it.id] = { value: value(it), checked: it.checked, correct: it.checked && it.correct,
        attempts: it.attempts, revealed: it.revealed };
      if (!timer) { timer = setTimeout(flush, 250); }
    }
    function itemOf(target) {
      var node = target && target.closest ? target.closest("[data-item-id]") : null;
      return node && root.contains(node) ? byId[node.getAttribute("data-item-id")] : null;
    }
    function act(it, action, dir, btn) {
      if (dir) { move(it, btn, dir); }
      else if (action === "check") { check(it, false); }
      else if (action === "retry") { retry(it, true); }
      else if (action === "reveal") { reveal(it, !it.revealed); }
      updateScore();
      persist(it);
    }
    function reset() {
      clearTimeout(timer); timer = null;
      state = { items: {} };
      safe(function () { localStorage.removeItem(key); });
      items.forEach(function (it) {
        if (!it.data) { return; }
        retry(it);
        setValue(it, it.type === "numeric" ? "" : it.type === "order" ? it.initial :
          it.type === "open" ? { text: "" } : []);
        it.attempts = 0;
        if (it.status) { it.status.textContent = ""; }
        reveal(it, false, true);
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
    if (saved && saved.items && typeof saved.items === "object") {
      /* keep every item's progress, also of items shown elsewhere (the review quiz) */
      Object.keys(saved.items).forEach(function (k) { state.items[k] = saved.items[k]; });
    }
    items.forEach(function (it) {
      var s = state.items[it.id];
      if (review || !s || !it.data || !validValue(it, s.value)) { return; }
      setValue(it, s.value);
      it.attempts = s.attempts || 0;
      if (s.checked && it.type !== "open") { check(it, true); }
      if (s.revealed) { reveal(it, true, true); }
    });
    updateScore();

    root.addEventListener("click", function (ev) {
      var btn = ev.target.closest ? ev.target.closest("button") : null;
      if (!btn || !root.contains(btn) || btn.disabled) { return; }
      var action = btn.getAttribute("data-action");
      if (action === "reset") { reset(); return; }
      var it = itemOf(btn);
      if (it && it.data) { act(it, action, btn.getAttribute("data-move"), btn); }
    });
    root.addEventListener("keydown", function (ev) { /* Enter in a number field checks it */
      if (ev.key !== "Enter" || !ev.target.matches("input[type=number]")) { return; }
      ev.preventDefault();
      var it = itemOf(ev.target);
      if (it && it.data) { act(it, "check"); }
    });
    function edited(ev) {
      var it = itemOf(ev.target);
      if (it && it.data && it.type === "open" && ev.type === "change" && ev.target.matches("[data-criterion], [data-rating]")) {
        rate(it, ev.target);
        updateScore();
      }
      persist(it);
    }
    root.addEventListener("change", edited);
    root.addEventListener("input", edited);
    window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); flush(); } });
  }

  function init(scope) {
    scope = scope || document;
    var roots = $$(scope, "[data-quiz-id]");
    if (scope.matches && scope.matches("[data-quiz-id]")) { roots.unshift(scope); }
    roots.forEach(function (root) {
      try { setup(root); } catch (e) { console.error("quiz: " + e); }
    });
  }

  window.CourseQuiz = { init: init, PREFIX: PREFIX };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
