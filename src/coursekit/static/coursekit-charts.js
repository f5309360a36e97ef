/* Draws every static course chart with the shared local Vega files.
 * Markup contract: <figure class="ck-chart"> holding a .ck-chart-view element and a
 * <script type="application/json" class="ck-chart-spec"> with a Vega-Lite spec.
 * Classic script (no modules) so it also works when the book is opened from disk. */
(function () {
  "use strict";

  function fail(figure, message) {
    figure.setAttribute("data-ck-state", "error");
    var view = figure.querySelector(".ck-chart-view");
    if (view) {
      var p = document.createElement("p");
      p.className = "ck-message ck-error";
      p.setAttribute("role", "alert");
      p.textContent = "The chart could not be drawn: " + message;
      view.replaceChildren(p);
    }
  }

  function labelBindings(figure) {
    // Give every Vega control a programmatic label that includes its visible text.
    var inputs = figure.querySelectorAll(".vega-bindings input, .vega-bindings select");
    inputs.forEach(function (input) {
      var bind = input.closest(".vega-bind");
      var name = bind && bind.querySelector(".vega-bind-name");
      if (!name) return;
      if (!name.id) {
        name.id = figure.id + "-bind-" + Math.random().toString(36).slice(2, 9);
      }
      if (input.type === "radio") {
        var group = input.closest(".vega-bind-radio");
        if (group && !group.getAttribute("role")) {
          group.setAttribute("role", "radiogroup");
          group.setAttribute("aria-labelledby", name.id);
        }
      } else {
        input.setAttribute("aria-labelledby", name.id);
      }
    });
  }

  function hideEmptyMarks(figure) {
    // A layer whose data a control has filtered away leaves an empty mark group
    // that Vega still exposes as a graphic with no name; hide it from the
    // accessibility tree until it has content again.
    figure.querySelectorAll(".ck-chart-view svg g[role='graphics-symbol']").forEach(function (g) {
      if (g.childElementCount === 0) {
        g.setAttribute("aria-hidden", "true");
      } else if (g.getAttribute("aria-hidden") === "true") {
        g.removeAttribute("aria-hidden");
      }
    });
  }

  function makeScrollable(figure) {
    // On narrow screens a chart may be wider than the page: let keyboard users
    // scroll it, and name the scrollable region.
    if (figure.scrollWidth > figure.clientWidth + 1 && !figure.hasAttribute("tabindex")) {
      var title = figure.querySelector(".ck-chart-view svg") || figure;
      figure.setAttribute("tabindex", "0");
      figure.setAttribute("role", "region");
      figure.setAttribute("aria-label", (title.getAttribute("aria-label") || "Chart") + " (scrolls sideways)");
    }
  }

  function render(figure) {
    if (figure.getAttribute("data-ck-state")) return;
    var specEl = figure.querySelector("script.ck-chart-spec");
    var view = figure.querySelector(".ck-chart-view");
    if (!specEl || !view) return fail(figure, "its specification is missing.");
    if (typeof window.vegaEmbed !== "function") {
      return fail(figure, "the Vega library did not load.");
    }
    var spec;
    try {
      spec = JSON.parse(specEl.textContent);
    } catch (err) {
      return fail(figure, "its specification is not valid JSON.");
    }
    figure.setAttribute("data-ck-state", "loading");
    window
      .vegaEmbed(view, spec, { actions: false, renderer: "svg", tooltip: true })
      .then(function (result) {
        labelBindings(figure);
        hideEmptyMarks(figure);
        makeScrollable(figure);
        new MutationObserver(function () {
          hideEmptyMarks(figure);
        }).observe(view, { childList: true, subtree: true });
        figure.ckView = result.view;
        figure.setAttribute("data-ck-state", "rendered");
      })
      .catch(function (err) {
        fail(figure, String((err && err.message) || err));
      });
  }

  function renderAll(root) {
    (root || document).querySelectorAll("figure.ck-chart").forEach(render);
  }

  window.CourseCharts = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      renderAll();
    });
  } else {
    renderAll();
  }
})();
