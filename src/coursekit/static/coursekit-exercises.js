/* Exercises: give each collapsed model answer and hint a button name that says what it opens.
   sphinx-togglebutton adds one button per collapsed admonition, all named "Toggle hidden
   content"; a screen-reader user tabbing through a page hears the same name for every one.
   Runs after togglebutton has added its buttons (both start on DOMContentLoaded). */
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

  function start() {
    // togglebutton's own DOMContentLoaded handler may run after this one: wait a turn.
    window.setTimeout(relabel, 0);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
