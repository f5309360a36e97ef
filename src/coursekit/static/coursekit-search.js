/* Search from disk: Sphinx's search page fetches every result page to show a summary, which
   browsers forbid for file:// pages (a CORS error per result). Opened from disk, the course
   shows results without summaries; over http nothing changes. */
(function () {
  "use strict";
  if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
})();
