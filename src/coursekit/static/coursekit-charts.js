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
