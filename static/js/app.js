/* Behaviour shared by every page: confirmations, menus, and drafts that keep
   what was typed in a form if the page is closed or the connection drops. */
(function () {
  "use strict";

  // Translated sentences for the scripts (a JSON block written by the server).
  var stringsBlock = document.getElementById("crm-strings");
  window.crmStrings = stringsBlock ? JSON.parse(stringsBlock.textContent) : {};
  function t(key) { return window.crmStrings[key] || key; }

  // Confirm before destructive actions (forms marked data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // Close open menus when clicking elsewhere or pressing Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeMenus(null);
  });

  /* Drafts ------------------------------------------------------------------ */

  var PREFIX = "crm-draft:";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "file" && el.type !== "submit"
        && el.type !== "button" && el.name !== "csrfmiddlewaretoken";
    });
  }

  function snapshot(form) {
    var data = { savedAt: Date.now(), totals: {}, fields: {} };
    form.querySelectorAll('input[name$="-TOTAL_FORMS"]').forEach(function (input) {
      data.totals[input.name.replace(/-TOTAL_FORMS$/, "")] = parseInt(input.value, 10);
    });
    fieldsOf(form).forEach(function (el) {
      if (el.tagName === "SELECT") {
        data.fields[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return [o.value, o.textContent]; });
      } else if (el.type === "checkbox" || el.type === "radio") {
        var list = data.fields[el.name] || [];
        if (el.checked) list.push(el.value);
        data.fields[el.name] = list;
      } else {
        data.fields[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    Object.keys(data.totals || {}).forEach(function (prefix) {
      var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      while (total && window.crmFormset && parseInt(total.value, 10) < data.totals[prefix]) {
        if (!window.crmFormset.add(prefix)) break;
      }
    });
    fieldsOf(form).forEach(function (el) {
      if (!(el.name in data.fields)) return;
      var value = data.fields[el.name];
      if (el.tagName === "SELECT") {
        var wanted = value.map(function (pair) { return pair[0]; });
        value.forEach(function (pair) {
          var found = Array.prototype.some.call(el.options, function (o) { return o.value === pair[0]; });
          if (!found) el.appendChild(new Option(pair[1], pair[0]));
        });
        Array.prototype.forEach.call(el.options, function (o) { o.selected = wanted.indexOf(o.value) !== -1; });
        el.dispatchEvent(new CustomEvent("crm:refresh"));
      } else if (el.type === "checkbox" || el.type === "radio") {
        el.checked = value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
  }

  // A moment as the page's language writes it, like the server's dates:
  // "1 December 2026, 19:14" in English, "1er décembre 2026 à 19:14" in French.
  function writtenDate(moment) {
    var lang = document.documentElement.lang || "en";
    var locale = lang === "en" ? "en-GB" : lang;
    var french = lang.indexOf("fr") === 0;
    var parts = new Intl.DateTimeFormat(locale, {
      day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"
    }).formatToParts(moment);
    return parts.map(function (part) {
      return french && part.type === "day" && part.value === "1" ? "1er" : part.value;
    }).join("");
  }

  function offerRestore(form, key, data) {
    var banner = document.createElement("div");
    banner.className = "message info";
    banner.setAttribute("role", "status");
    var when = writtenDate(new Date(data.savedAt));
    banner.textContent = t("You have unsaved changes from") + " " + when + ". ";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button small";
    yes.textContent = t("Restore them");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button small link-like";
    no.textContent = t("Discard");
    yes.addEventListener("click", function () { restore(form, data); banner.remove(); });
    no.addEventListener("click", function () { localStorage.removeItem(key); banner.remove(); });
    banner.appendChild(yes);
    banner.appendChild(document.createTextNode(" "));
    banner.appendChild(no);
    form.insertBefore(banner, form.firstChild);
  }

  // In a long form, Enter in a one-line field does not send the whole form
  // half filled in (pickers use Enter to choose; buttons still submit).
  function enterDoesNotSubmit(form) {
    form.addEventListener("keydown", function (event) {
      var el = event.target;
      if (event.key !== "Enter" || el.tagName !== "INPUT") return;
      if (["submit", "button", "checkbox", "radio", "file"].indexOf(el.type) !== -1) return;
      event.preventDefault();
    });
  }

  function keepDrafts(form) {
    var key = PREFIX + form.dataset.keepDraft;
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    // After a refused submission the server shows what was typed; don't offer an older copy.
    var hasErrors = form.querySelector(".errorlist");
    if (stored && !hasErrors && Date.now() - stored.savedAt < MAX_AGE_MS) {
      offerRestore(form, key, stored);
    }
    var timer = null;
    function save() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try { localStorage.setItem(key, JSON.stringify(snapshot(form))); } catch (e) { /* storage full or off */ }
      }, 400);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      localStorage.removeItem(key);
    });
  }

  // Signing out forgets every draft kept on this computer.
  document.addEventListener("submit", function (event) {
    if (!event.target.hasAttribute("data-sign-out")) return;
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) localStorage.removeItem(key);
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      keepDrafts(form);
      enterDoesNotSubmit(form);
    });
    // On a phone, the filter panel starts folded so the results come first.
    if (window.matchMedia("(max-width: 900px)").matches) {
      document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (d) {
        d.removeAttribute("open");
      });
    }
  });
})();
