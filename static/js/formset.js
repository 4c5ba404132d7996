/* "Add another" rows for Django formsets (follow-up actions in the meeting
   form, parties in the partnership form). A <template> holds the empty form;
   removing a row ticks its DELETE box, so the server ignores it. */
(function () {
  "use strict";

  function totalInput(prefix) {
    return document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  }

  function add(prefix) {
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var container = document.querySelector('[data-formset="' + prefix + '"]');
    var total = totalInput(prefix);
    if (!template || !container || !total) return null;
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    container.appendChild(row);
    total.value = String(index + 1);
    if (window.crmPicker) window.crmPicker.init(row);
    bindRemove(row);
    return row;
  }

  function bindRemove(row) {
    row.querySelectorAll("[data-formset-remove]").forEach(function (button) {
      button.addEventListener("click", function () {
        var remove = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
        if (remove) remove.checked = true;
        row.classList.add("is-removed");
        // The removed row's button disappears: keep keyboard users in the
        // formset, on its "add" button, rather than at the top of the page.
        var container = row.closest("[data-formset]");
        var adder = container && document.querySelector(
          '[data-formset-add="' + container.dataset.formset + '"]');
        if (adder) adder.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-row]").forEach(function (row) {
      if (!row.closest("template")) bindRemove(row);
      var remove = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
      if (remove && remove.checked) row.classList.add("is-removed");
    });
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.addEventListener("click", function () {
        var row = add(button.dataset.formsetAdd);
        var first = row && row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      });
    });
  });

  window.crmFormset = { add: add };
})();
