/* coursekit risk-of-bias worksheet: classic script, no dependencies, no network.
   Markup: coursekit.chapters.appraisal.worksheet_html(). Answers are kept in localStorage only;
   model answers arrive base64-encoded in data-ck-rob-payload and are decoded only on request.
   All text from the payload is inserted with textContent. */
(function () {
  "use strict";
  if (window.CourseAppraisal) { window.CourseAppraisal.init(document); return; }

  var DOMAINS = ["D1", "D2", "D3", "D4", "D5"];

  function $(root, sel) { return root.querySelector(sel); }
  function $$(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  /* localStorage may be blocked or full: never fail because of it. */
  function safe(f) { try { return f(); } catch (e) { return null; } }

  /* Inverse of coursekit.chapters.appraisal.encode_payload: base64 of UTF-8 JSON. */
  function decode(token) {
    var bin = atob(token), bytes = new Uint8Array(bin.length), i;
    for (i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  }

  function Sheet(section) {
    this.el = section;
    this.key = section.getAttribute("data-ck-rob") || "coursekit-appraisal";
    this.status = $(section, ".ck-rob-status");
    this.payload = null;
    this.timer = null;
  }

  Sheet.prototype.model = function () {
    if (!this.payload) { this.payload = decode(this.el.getAttribute("data-ck-rob-payload")); }
    return this.payload;
  };

  Sheet.prototype.answer = function (study, domain) {
    var studies = this.model().studies, i;
    for (i = 0; i < studies.length; i++) {
      if (studies[i].id === study) { return studies[i].answers[domain]; }
    }
    return null;
  };

  Sheet.prototype.say = function (text) {
    var status = this.status;
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 30);
  };

  Sheet.prototype.collect = function () {
    var data = {};
    $$(this.el, ".ck-rob-study").forEach(function (study) {
      var id = study.getAttribute("data-study"), entry = {};
      $$(study, ".ck-rob-domain").forEach(function (fs) {
        var j = $(fs, "[data-field=judgement]").value, r = $(fs, "[data-field=reason]").value;
        if (j || r) { entry[fs.getAttribute("data-domain")] = { judgement: j, reason: r }; }
      });
      data[id] = entry;
    });
    return data;
  };

  Sheet.prototype.save = function () {
    var key = this.key, data = this.collect();
    safe(function () { window.localStorage.setItem(key, JSON.stringify(data)); });
  };

  Sheet.prototype.restore = function () {
    var key = this.key;
    var raw = safe(function () { return window.localStorage.getItem(key); });
    var data = raw ? safe(function () { return JSON.parse(raw); }) : null;
    if (!data || typeof data !== "object") { return; }
    $$(this.el, ".ck-rob-study").forEach(function (study) {
      var entry = data[study.getAttribute("data-study")] || {};
      $$(study, ".ck-rob-domain").forEach(function (fs) {
        var saved = entry[fs.getAttribute("data-domain")];
        if (!saved) { return; }
        var select = $(fs, "[data-field=judgement]");
        var allowed = $$(select, "option").map(function (o) { return o.value; });
        if (allowed.indexOf(saved.judgement) >= 0) { select.value = saved.judgement; }
        if (typeof saved.reason === "string") { $(fs, "[data-field=reason]").value = saved.reason; }
      });
    });
  };

  function fill(box, answer) {
    box.textContent = "";
    var head = el("p", "ck-rob-model-judgement");
    head.appendChild(el("strong", null, "Model judgement: " + answer.judgement));
    if (answer.secondary) { head.appendChild(document.createTextNode(" (rests partly on a secondary source)")); }
    box.appendChild(head);
    box.appendChild(el("p", null, answer.reason));
    var src = el("p", "ck-rob-sources");
    src.appendChild(el("em", null, "Sources: "));
    src.appendChild(document.createTextNode(answer.sources.join("; ")));
    box.appendChild(src);
  }

  Sheet.prototype.toggle = function (button, study, domain, label) {
    var box = document.getElementById(button.getAttribute("aria-controls"));
    if (!box) { return; }
    if (!box.hidden) {
      box.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.textContent = button.getAttribute("data-show-text") || button.textContent;
      this.say("Model answer hidden.");
      return;
    }
    var answer = safe(function () { return this.answer(study, domain); }.bind(this));
    if (!answer) { this.say("The model answer could not be loaded."); return; }
    if (!button.getAttribute("data-show-text")) { button.setAttribute("data-show-text", button.textContent); }
    fill(box, answer);
    box.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.textContent = "Hide the model answer";
    this.say("Model answer for " + label + ": " + answer.judgement + ".");
  };

  /* The RoB 2 overall rule (coursekit.models.appraisal.overall_judgement) on the reader's own
     judgements: any high -> high; all low -> low; otherwise some concerns. */
  function overall(entry) {
    var values = DOMAINS.map(function (d) { return (entry && entry[d] && entry[d].judgement) || ""; });
    if (values.indexOf("") >= 0) { return ""; }
    if (values.indexOf("high") >= 0) { return "high"; }
    if (values.every(function (v) { return v === "low"; })) { return "low"; }
    return "some concerns";
  }

  Sheet.prototype.compare = function (button) {
    var box = document.getElementById(button.getAttribute("aria-controls"));
    var payload = safe(this.model.bind(this));
    if (!box || !payload) { this.say("The comparison could not be loaded."); return; }
    var mine = this.collect();
    var table = el("table", "ck-rob-table");
    table.appendChild(el("caption", null, "Your judgements beside the model judgements"));
    var thead = el("thead"), head = el("tr");
    var th = el("th", null, "Domain"); th.scope = "col"; head.appendChild(th);
    payload.studies.forEach(function (s) { var c = el("th", null, s.label); c.scope = "col"; head.appendChild(c); });
    thead.appendChild(head); table.appendChild(thead);
    var body = el("tbody");
    DOMAINS.concat(["overall"]).forEach(function (dom) {
      var row = el("tr"), name = el("th", null, dom === "overall" ? "Overall" : dom);
      name.scope = "row"; row.appendChild(name);
      payload.studies.forEach(function (s) {
        var model = s.answers[dom] ? s.answers[dom].judgement : "";
        var yours = dom === "overall" ? overall(mine[s.id]) :
          ((mine[s.id] && mine[s.id][dom] && mine[s.id][dom].judgement) || "");
        var cell = el("td", "ck-rob-cell");
        cell.appendChild(el("span", "ck-rob-you", "You: " + (yours || (dom === "overall" ? "answer all five domains first" : "not answered"))));
        cell.appendChild(el("br"));
        var m = el("span", "ck-rob-judgement", "Model: " + model);
        m.setAttribute("data-judgement", model);
        cell.appendChild(m);
        if (yours) {
          cell.appendChild(el("br"));
          cell.appendChild(el("span", "ck-rob-match", yours === model ? "Same" : "Different"));
        }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    box.textContent = "";
    box.appendChild(table);
    box.hidden = false;
    button.setAttribute("aria-expanded", "true");
    this.say("Comparison table shown below the buttons.");
  };

  Sheet.prototype.reset = function () {
    var key = this.key;
    safe(function () { window.localStorage.removeItem(key); });
    $$(this.el, "[data-field=judgement]").forEach(function (s) { s.value = ""; });
    $$(this.el, "[data-field=reason]").forEach(function (t) { t.value = ""; });
    $$(this.el, ".ck-rob-model, .ck-rob-compare").forEach(function (b) { b.hidden = true; b.textContent = ""; });
    $$(this.el, "[aria-expanded]").forEach(function (b) {
      b.setAttribute("aria-expanded", "false");
      if (b.getAttribute("data-show-text")) { b.textContent = b.getAttribute("data-show-text"); }
    });
    this.say("Your answers were deleted from this browser.");
  };

  Sheet.prototype.bind = function () {
    var sheet = this;
    sheet.restore();
    sheet.el.addEventListener("change", function () { sheet.save(); sheet.say("Saved in this browser."); });
    sheet.el.addEventListener("input", function (ev) {
      if (ev.target.getAttribute("data-field") !== "reason") { return; }
      window.clearTimeout(sheet.timer);
      sheet.timer = window.setTimeout(function () { sheet.save(); }, 400);
    });
    sheet.el.addEventListener("click", function (ev) {
      var button = ev.target.closest ? ev.target.closest("button[data-action]") : null;
      if (!button || !sheet.el.contains(button)) { return; }
      var action = button.getAttribute("data-action");
      var study = button.closest(".ck-rob-study");
      var sid = study ? study.getAttribute("data-study") : "";
      var title = study ? ($(study, "h3") || {}).textContent || sid : "";
      if (action === "reveal") {
        var dom = button.closest(".ck-rob-domain").getAttribute("data-domain");
        sheet.toggle(button, sid, dom, title + ", " + dom);
      } else if (action === "reveal-overall") {
        sheet.toggle(button, sid, "overall", title + ", overall");
      } else if (action === "compare") {
        sheet.compare(button);
      } else if (action === "reset") {
        sheet.reset();
      }
    });
  };

  function init(scope) {
    $$(scope, "section[data-ck-rob]").forEach(function (section) {
      if (section.getAttribute("data-ck-rob-ready")) { return; }
      section.setAttribute("data-ck-rob-ready", "1");
      new Sheet(section).bind();
    });
  }

  window.CourseAppraisal = { init: init, decode: decode };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
