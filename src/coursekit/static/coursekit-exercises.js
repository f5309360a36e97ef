/* Exercises: give each collapsed model answer and hint a button name that says what it opens.
   sphinx-togglebutton adds one button per collapsed admonition, all named "Toggle hidden
   content"; a screen-reader user tabbing through a page hears the same name for every one.
   Runs after togglebutton has added its buttons (see below). */
(function () {
  "use strict";

  function name(admonition) {
    var title = admonition.querySelector(".admonition-title");
    var text = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
    if (admonition.classList.contains("solution")) {
      return "Show or hide the model answer: " + (text || "solution");
    }
    if (admonition.classList.contains("hint")) {
      return "Show or hide the hint" + (text && text !== "Hint" ? ": " + text : "");
    }
    return "Show or hide: " + (text || "hidden content");
  }

  function relabel() {
    document.querySelectorAll(".admonition.toggle > .admonition-title > button.toggle-button")
      .forEach(function (button) {
        button.setAttribute("aria-label", name(button.parentNode.parentNode));
        var target = document.getElementById(button.getAttribute("data-target"));
        if (target) button.setAttribute("aria-controls", target.id);
      });
  }

  // This script is deferred: it runs before DOMContentLoaded, and sphinx-togglebutton (a
  // plain script in the head) adds its buttons in a DOMContentLoaded listener registered
  // before this one. Name them after that listener has run, and again at "load" in case a
  // page adds toggles later; naming is idempotent.
  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(relabel, 0);
  });
  window.addEventListener("load", relabel);
  if (document.readyState === "complete") {
    relabel();
  }
})();
