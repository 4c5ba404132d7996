/* The admin's accessibility fixes.
 *
 * Django's tabular inlines name their fields by a column header only, which
 * assistive technology does not read as a label; select2's boxes (autocomplete
 * fields) have no name of their own; an inline table that scrolls sideways on a
 * phone cannot be reached with the keyboard. Each gets the name a sighted person
 * reads: the column header, or the field's label.
 */
(function () {
  "use strict";

  function hasName(el) {
    return el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")
      || (el.id && document.querySelector('label[for="' + el.id + '"]'));
  }

  function nameTabularFields(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var headers = {};
      table.querySelectorAll("thead th[class*='column-']").forEach(function (th) {
        var match = th.className.match(/column-([\w-]+)/);
        if (match) headers[match[1]] = th.textContent.trim();
      });
      table.querySelectorAll("td[class*='field-']").forEach(function (td) {
        var match = td.className.match(/field-([\w-]+)/);
        var label = match && headers[match[1]];
        if (!label) return;
        td.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
          if (!hasName(el)) el.setAttribute("aria-label", label);
        });
      });
      // The "Delete?" column is the last one, and its header has no class.
      var heads = table.querySelectorAll("thead th");
      var deleteLabel = heads.length ? heads[heads.length - 1].textContent.trim() : "";
      table.querySelectorAll("td.delete input[type=checkbox]").forEach(function (el) {
        if (!hasName(el) && deleteLabel) el.setAttribute("aria-label", deleteLabel);
      });
    });
  }

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    return select.getAttribute("aria-label") || "";
  }

  function nameSelect2Boxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) return;
      var name = labelOf(select);
      if (!name) return;
      box.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field").forEach(function (el) {
        el.setAttribute("aria-label", name);
        el.removeAttribute("aria-labelledby");
      });
      // The chosen items are spans inside a list: not a list to read.
      box.querySelectorAll("ul.select2-selection__rendered").forEach(function (ul) {
        ul.setAttribute("role", "presentation");
      });
    });
  }

  // Split date and time fields: "Date:" and "Time:" before each box, and the
  // field's label for the pair.
  function nameSplitDateTimes(root) {
    root.querySelectorAll("p.datetime").forEach(function (p) {
      var row = p.closest(".form-row, .fieldBox, div");
      var label = row && row.querySelector("label");
      var field = label ? label.textContent.replace(/:\s*$/, "").trim() : "";
      p.querySelectorAll("input").forEach(function (input) {
        if (hasName(input)) return;
        var before = input.previousSibling;
        while (before && before.nodeType !== 3) before = before.previousSibling;
        var part = before ? before.textContent.replace(/:\s*$/, "").trim() : "";
        input.setAttribute("aria-label", [field, part].filter(Boolean).join(", "));
      });
    });
    // The magnifier icons of Django's two-list selector carry a name but no role.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function focusableScrollers() {
    document.querySelectorAll(".inline-group, .results").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
      }
    });
  }

  function fixAll() {
    nameTabularFields(document);
    nameSelect2Boxes(document);
    nameSplitDateTimes(document);
    focusableScrollers();
  }

  // Widgets (select2, the two-list selector, new inline rows) are built by
  // scripts after the page loads: name them whenever the form changes shape.
  var pending = null;
  function soon() {
    if (pending) return;
    pending = window.setTimeout(function () { pending = null; fixAll(); }, 50);
  }
  window.addEventListener("load", function () {
    fixAll();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("formset:added", fixAll);
  document.addEventListener("select2:open", fixAll);
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("select2:open select2:select select2:unselect", fixAll);
  }
})();
