/* Search-as-you-type selectors (an ARIA combobox over a real <select>), and the
   dialogs that create an organization or a contact without leaving the form.

   The <select> stays the source of truth: it is what the form posts, so the
   server validates it and redisplays it after an error like any other field. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 180;
  var counter = 0;
  var t = function (key) {
    var strings = (window.crmStrings || {});
    return strings[key] || key;
  };

  function csrfToken() {
    return document.body.dataset.csrfToken || "";
  }

  function optionLabel(option) {
    return option.textContent.trim();
  }

  function Picker(root) {
    this.root = root;
    this.select = root.querySelector("select");
    this.multiple = this.select.multiple;
    this.lookup = root.dataset.lookup;
    this.create = root.dataset.create || "";
    this.suggestFrom = root.dataset.suggestFrom || "";
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;
    this.build();
    this.render();
  }

  Picker.prototype.build = function () {
    var id = this.select.id || "picker-" + (++counter);
    this.box = document.createElement("div");
    this.box.className = "picker-box";
    this.chips = document.createElement("span");
    this.chips.className = "picker-chips";
    this.input = document.createElement("input");
    this.input.type = "search";
    this.input.id = id + "_search";
    this.input.autocomplete = "off";
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.placeholder = t("Type to search…");
    this.list = document.createElement("ul");
    this.list.className = "picker-results";
    this.list.id = id + "_results";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    this.input.setAttribute("aria-controls", this.list.id);
    var describedBy = this.select.getAttribute("aria-describedby");
    if (describedBy) this.input.setAttribute("aria-describedby", describedBy);
    if (this.select.getAttribute("aria-invalid")) this.input.setAttribute("aria-invalid", "true");

    this.box.appendChild(this.chips);
    this.box.appendChild(this.input);
    this.root.appendChild(this.box);
    this.root.appendChild(this.list);

    var label = document.querySelector('label[for="' + this.select.id + '"]');
    if (label) label.htmlFor = this.input.id;

    var self = this;
    this.input.addEventListener("input", function () { self.schedule(); });
    this.input.addEventListener("focus", function () {
      if (!self.input.value.trim() && self.suggestions().length) self.showSuggestions();
    });
    this.input.addEventListener("keydown", function (event) { self.onKey(event); });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.box.addEventListener("click", function (event) {
      if (event.target === self.box) self.input.focus();
    });
    this.select.addEventListener("crm:refresh", function () { self.render(); });
    this.select.crmPicker = this;
  };

  Picker.prototype.selected = function () {
    return Array.prototype.filter.call(this.select.options, function (o) {
      return o.selected && o.value !== "";
    });
  };

  Picker.prototype.render = function () {
    var self = this;
    this.chips.textContent = "";
    this.selected().forEach(function (option) {
      var chip = document.createElement("span");
      chip.className = "chip";
      var text = document.createElement("span");
      text.textContent = optionLabel(option);
      text.title = optionLabel(option); // the whole name, when the chip shortens it
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", t("Remove") + " " + optionLabel(option));
      remove.addEventListener("click", function () {
        option.selected = false;
        if (!self.multiple) option.remove();
        self.changed();
        self.input.focus();
      });
      chip.appendChild(text);
      chip.appendChild(remove);
      self.chips.appendChild(chip);
    });
    if (!this.multiple) {
      this.input.placeholder = this.selected().length ? t("Type to replace…") : t("Type to search…");
    }
  };

  Picker.prototype.changed = function () {
    this.render();
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.choose = function (id, label) {
    id = String(id);
    var existing = Array.prototype.find.call(this.select.options, function (o) { return o.value === id; });
    if (!this.multiple) {
      Array.prototype.forEach.call(this.select.options, function (o) {
        if (o.value !== "" && o.value !== id) o.remove();
      });
    }
    if (!existing) {
      existing = new Option(label, id, true, true);
      this.select.appendChild(existing);
    }
    existing.selected = true;
    this.input.value = "";
    this.close();
    this.changed();
  };

  /* Options chosen in another picker of the same form (data-suggest-from):
     an action's partnership is first looked for among those its meeting
     discusses. */
  Picker.prototype.suggestions = function () {
    if (!this.suggestFrom) return [];
    var form = this.root.closest("form");
    var source = form && form.querySelector('select[name="' + this.suggestFrom + '"]');
    if (!source) return [];
    var chosen = this.selected().map(function (o) { return o.value; });
    return Array.prototype.filter.call(source.options, function (o) {
      return o.selected && o.value !== "" && chosen.indexOf(o.value) === -1;
    }).map(function (o) {
      return { id: o.value, label: optionLabel(o), detail: t("Discussed at this meeting") };
    });
  };

  Picker.prototype.showSuggestions = function () {
    this.results = this.suggestions();
    this.show("");
  };

  Picker.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.search(); }, DEBOUNCE_MS);
  };

  Picker.prototype.search = function () {
    var query = this.input.value.trim();
    if (!query) {
      if (this.suggestions().length) this.showSuggestions(); else this.close();
      return;
    }
    var self = this;
    var ticket = ++this.request;
    fetch(this.lookup + "?q=" + encodeURIComponent(query), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (ticket !== self.request) return; // a newer search is under way
        var chosen = self.selected().map(function (o) { return o.value; });
        var found = (data.results || []).filter(function (r) {
          return chosen.indexOf(String(r.id)) === -1;
        });
        // What the other picker chose comes first, in the search's own order.
        var suggested = self.suggestions().map(function (r) { return r.id; });
        self.results = found.filter(function (r) { return suggested.indexOf(String(r.id)) !== -1; })
          .map(function (r) { return { id: r.id, label: r.label, detail: t("Discussed at this meeting") }; })
          .concat(found.filter(function (r) { return suggested.indexOf(String(r.id)) === -1; }));
        self.show(query);
      })
      .catch(function () { self.results = []; self.show(query); });
  };

  Picker.prototype.show = function (query) {
    var self = this;
    this.list.textContent = "";
    this.active = -1;
    this.results.forEach(function (result, index) {
      var item = document.createElement("li");
      item.id = self.list.id + "_" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = result.label;
      if (result.detail) {
        var detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = result.detail;
        item.appendChild(detail);
      }
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        self.choose(result.id, result.label);
      });
      self.list.appendChild(item);
    });
    if (!this.results.length && query) {
      var empty = document.createElement("li");
      empty.className = "picker-empty";
      empty.textContent = t("No match");
      this.list.appendChild(empty);
    }
    if (this.create && query) {
      var create = document.createElement("li");
      create.className = "picker-create";
      create.id = this.list.id + "_create";
      create.setAttribute("role", "option");
      create.setAttribute("aria-selected", "false");
      create.textContent = t("Create “%(name)s”…").replace("%(name)s", function () { return query; });
      create.addEventListener("mousedown", function (event) {
        event.preventDefault();
        self.openCreate(query);
      });
      this.list.appendChild(create);
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.options = function () {
    return Array.prototype.filter.call(this.list.children, function (li) {
      return li.getAttribute("role") === "option";
    });
  };

  Picker.prototype.highlight = function (index) {
    var options = this.options();
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    options.forEach(function (li, i) { li.setAttribute("aria-selected", String(i === this.active)); }, this);
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.onKey = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { this.search(); return; }
      this.highlight(this.active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (open) this.highlight(this.active - 1);
    } else if (event.key === "Enter") {
      if (open && this.active >= 0) {
        event.preventDefault();
        var chosen = this.options()[this.active];
        if (chosen.classList.contains("picker-create")) {
          this.openCreate(this.input.value.trim());
        } else {
          var result = this.results[this.active];
          this.choose(result.id, result.label);
        }
      } else if (open) {
        event.preventDefault(); // never submit the whole form from a search box
      }
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); this.close(); }
    } else if (event.key === "Backspace" && !this.input.value) {
      var last = this.selected().pop();
      if (last) { last.selected = false; if (!this.multiple) last.remove(); this.changed(); }
    }
  };

  Picker.prototype.openCreate = function (query) {
    this.close();
    QuickCreate.open(this.create, query, this);
  };

  /* Quick creation dialogs ------------------------------------------------- */

  var QuickCreate = {
    open: function (kind, query, picker) {
      var dialog = document.getElementById("quick-create-" + kind);
      if (!dialog) return;
      var form = dialog.querySelector("form");
      form.reset();
      QuickCreate.clear(dialog);
      var name = form.querySelector('[name="name"]');
      if (name) name.value = query;
      dialog.crmPicker = picker;
      dialog.showModal();
      if (name) name.focus();
    },
    clear: function (dialog) {
      dialog.querySelector(".dialog-errors").textContent = "";
      var similar = dialog.querySelector(".dialog-similar");
      if (similar) {
        similar.hidden = true;
        similar.querySelector(".similar-list").textContent = "";
      }
    },
    errors: function (dialog, errors) {
      var box = dialog.querySelector(".dialog-errors");
      var list = document.createElement("ul");
      list.className = "errorlist nonfield";
      Object.keys(errors || {}).forEach(function (field) {
        errors[field].forEach(function (message) {
          var item = document.createElement("li");
          var input = dialog.querySelector('[name="' + field + '"]');
          var label = input ? dialog.querySelector('label[for="' + input.id + '"]') : null;
          item.textContent = (label && field !== "__all__" ? label.textContent.replace(/:$/, "") + ": " : "") + message;
          list.appendChild(item);
        });
      });
      box.textContent = "";
      box.appendChild(list);
    },
    similar: function (dialog, rows) {
      var box = dialog.querySelector(".dialog-similar");
      if (!box) return;
      var list = box.querySelector(".similar-list");
      list.textContent = "";
      rows.forEach(function (row) {
        var item = document.createElement("li");
        item.textContent = row.label + " ";
        var use = document.createElement("button");
        use.type = "button";
        use.className = "button small";
        use.textContent = t("Use this one");
        use.addEventListener("click", function () {
          if (dialog.crmPicker) dialog.crmPicker.choose(row.id, row.label);
          dialog.close();
        });
        item.appendChild(use);
        list.appendChild(item);
      });
      box.hidden = false;
    },
    submit: function (dialog, event) {
      event.preventDefault();
      var form = dialog.querySelector("form");
      var data = new FormData(form);
      fetch(dialog.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) { return { status: response.status, body: body }; });
        })
        .then(function (result) {
          QuickCreate.clear(dialog);
          if (result.status === 201) {
            if (dialog.crmPicker) dialog.crmPicker.choose(result.body.id, result.body.label);
            dialog.close();
            return;
          }
          QuickCreate.errors(dialog, result.body.errors);
          if (result.body.similar) QuickCreate.similar(dialog, result.body.similar);
        })
        .catch(function () {
          QuickCreate.errors(dialog, { "__all__": [t("The server could not be reached. Nothing was lost: try again.")] });
        });
    },
    init: function () {
      document.querySelectorAll("dialog[data-quick-create]").forEach(function (dialog) {
        dialog.querySelector("form").addEventListener("submit", function (event) {
          QuickCreate.submit(dialog, event);
        });
        dialog.querySelectorAll("[data-dialog-close]").forEach(function (button) {
          button.addEventListener("click", function () { dialog.close(); });
        });
        dialog.addEventListener("close", function () {
          if (dialog.crmPicker) dialog.crmPicker.input.focus();
        });
      });
    },
  };

  function init(scope) {
    (scope || document).querySelectorAll("[data-picker]").forEach(function (root) {
      if (root.closest("template") || root.dataset.pickerReady) return;
      root.dataset.pickerReady = "1";
      new Picker(root);
    });
  }

  window.crmPicker = { init: init };
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    QuickCreate.init();
  });
})();
