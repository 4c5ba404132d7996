/* "My work": after an action is completed or reopened in place (htmx swaps
   its row), the counts on the page follow without a reload: the summary under
   the greeting, each section's count and, for a manager, the team's view are
   read again from the server and put in place. The rows stay as they are, so
   the one just done keeps its "Reopen" and the focus stays where it was. */
(function () {
  "use strict";

  var pending = null;

  function refreshCounts() {
    if (pending) return pending;
    pending = fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (element) {
          var name = element.getAttribute("data-live");
          var replacement = fresh.querySelector('[data-live="' + name + '"]');
          if (replacement) element.innerHTML = replacement.innerHTML;
        });
        document.body.dispatchEvent(new CustomEvent("counts:refreshed"));
      })
      .catch(function () { /* The counts stay as they were; the rows are right. */ })
      .then(function () { pending = null; });
    return pending;
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && /^action-\d+$/.test(target.id || "")) refreshCounts();
  });
})();
