/* The pipeline board: move cards between stages by drag and drop or with the
   move form on each card (keyboard-usable), ask for a reason when a card moves
   back, then redraw the board from the server so counts and totals are right.
   Each move carries the version of the card as drawn (data-version); a card
   someone else changed in the meantime is refused, and the board is redrawn.
   Without JavaScript the move forms post normally and the page reloads. */
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board) return;
  var statusBox = document.getElementById("board-status");
  var dialog = document.getElementById("move-reason");
  var dragged = null;
  var tabs = stageTabs(board, document.querySelector(".board-jump"));

  function text(name) {
    return board.dataset[name] || "";
  }

  function announce(message, isError) {
    if (!statusBox) return;
    statusBox.textContent = message;
    statusBox.classList.toggle("is-error", Boolean(isError));
    statusBox.classList.toggle("is-success", !isError);
  }

  function columnOf(stage) {
    return board.querySelector('.board-column[data-stage="' + stage + '"]');
  }

  function rankOf(stage) {
    var column = columnOf(stage);
    return column ? parseInt(column.dataset.rank, 10) : -1;
  }

  /* Asking why a card moves back ------------------------------------------ */

  function askReason(card, stage) {
    return new Promise(function (resolve) {
      if (!dialog || typeof dialog.showModal !== "function") {
        resolve(null);
        return;
      }
      var note = dialog.querySelector("textarea");
      var summary = dialog.querySelector("[data-move-summary]");
      var column = columnOf(stage);
      note.value = "";
      if (summary) {
        summary.textContent = card.dataset.title + " → " + (column ? column.dataset.label : stage);
      }
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        var value = note.value.trim();
        resolve(dialog.returnValue === "confirm" && value ? value : null);
      });
      dialog.returnValue = "";
      dialog.showModal();
      note.focus();
    });
  }

  /* Moving ----------------------------------------------------------------- */

  function post(card, stage, note) {
    var body = new FormData();
    body.append("stage", stage);
    body.append("note", note || "");
    body.append("version", card.dataset.version || "");
    card.classList.add("is-moving");
    return fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": document.body.dataset.csrfToken || "" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error(response.status === 403 ? text("textForbidden") : text("textFailed"));
      }
      return response.json();
    }).then(function (answer) {
      if (!answer.ok && answer.stale) {
        /* Someone else changed it since the board was drawn: show the board
           as it is now (with the card's new version), then say so. */
        return refresh(card.dataset.id).then(function () { announce(answer.message, true); });
      }
      if (!answer.ok) {
        card.classList.remove("is-moving");
        announce(answer.message, true);
        return;
      }
      return refresh(card.dataset.id).then(function () { announce(answer.message, false); });
    }).catch(function (error) {
      card.classList.remove("is-moving");
      announce(error && error.message ? error.message : text("textFailed"), true);
    });
  }

  function move(card, stage, note) {
    if (!card || !card.dataset.moveUrl || stage === card.dataset.stage) return;
    var backward = rankOf(stage) < rankOf(card.dataset.stage);
    if (backward && !note) {
      askReason(card, stage).then(function (reason) {
        if (reason) post(card, stage, reason);
        else announce(text("textCancelled"), false);
      });
      return;
    }
    post(card, stage, note);
  }

  /* Redraw the board (counts, totals, cards) from the server. */
  function refresh(cardId) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("board");
        if (!fresh) return;
        board.innerHTML = fresh.innerHTML;
        var jump = document.querySelector(".board-jump");
        var freshJump = doc.querySelector(".board-jump");
        if (jump && freshJump) jump.innerHTML = freshJump.innerHTML;
        if (window.htmx) window.htmx.process(board);
        tabs.apply();
        var moved = cardId && document.getElementById("card-" + cardId);
        var focusTarget = moved ? moved.querySelector(".card-title") : null;
        if (focusTarget) focusTarget.focus();
      });
  }

  /* The move form on each card (keyboard and touch) ------------------------- */

  board.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-move-form]");
    if (!form) return;
    event.preventDefault();
    var card = form.closest("[data-card]");
    var note = form.elements.note ? form.elements.note.value.trim() : "";
    move(card, form.elements.stage.value, note);
  });

  /* Drag and drop ---------------------------------------------------------------- */

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-card][draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    board.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    board.classList.remove("is-dragging");
    board.querySelectorAll(".board-column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  });

  function targetColumn(event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!column || !dragged || column.dataset.stage === dragged.dataset.stage) return null;
    return column;
  }

  board.addEventListener("dragover", function (event) {
    var column = targetColumn(event);
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });

  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  board.addEventListener("drop", function (event) {
    var column = targetColumn(event);
    if (!column) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    var card = dragged;
    dragged = null;
    move(card, column.dataset.stage, "");
  });

  /* Stage tabs on a phone --------------------------------------------------------
     At 640 px or less the board shows one column at a time: the stage links
     above it become a tablist (arrow keys, Home, End) and the chosen stage is
     kept in the address (#stage-contract), so a reload opens on it. Wider, or
     without JavaScript, every column shows and the links jump to them. */
  function stageTabs(board, nav) {
    var phone = window.matchMedia("(max-width: 640px)");

    function links() {
      return nav ? Array.prototype.slice.call(nav.querySelectorAll("a[data-stage]")) : [];
    }
    function columns() {
      return Array.prototype.slice.call(board.querySelectorAll(".board-column[data-stage]"));
    }
    function fromHash() {
      var match = /^#(?:stage|column)-([a-z_]+)$/.exec(window.location.hash);
      return match ? match[1] : null;
    }
    function current() {
      var chosen = nav && nav.dataset.current;
      var stages = columns().map(function (column) { return column.dataset.stage; });
      if (chosen && stages.indexOf(chosen) !== -1) return chosen;
      var hashed = fromHash();
      if (hashed && stages.indexOf(hashed) !== -1) return hashed;
      /* The first column with cards, else the first. */
      var filled = columns().filter(function (column) { return column.querySelector("[data-card]"); })[0];
      return filled ? filled.dataset.stage : stages[0];
    }

    function select(stage, focus) {
      if (!nav) return;
      nav.dataset.current = stage;
      links().forEach(function (link) {
        var on = link.dataset.stage === stage;
        link.setAttribute("aria-selected", on ? "true" : "false");
        link.tabIndex = on ? 0 : -1;
        if (on && focus) link.focus();
      });
      columns().forEach(function (column) {
        column.hidden = column.dataset.stage !== stage;
      });
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#stage-" + stage);
      }
    }

    function apply() {
      if (!nav) return;
      var list = nav.querySelector("[data-tablist]") || nav;
      if (phone.matches) {
        board.classList.add("is-tabbed");
        list.setAttribute("role", "tablist");
        links().forEach(function (link) {
          link.setAttribute("role", "tab");
          link.id = "tab-" + link.dataset.stage;
          link.setAttribute("aria-controls", "panel-" + link.dataset.stage);
        });
        columns().forEach(function (column) {
          column.id = "panel-" + column.dataset.stage;
          column.setAttribute("role", "tabpanel");
          column.setAttribute("aria-labelledby", "tab-" + column.dataset.stage);
        });
        select(current(), false);
      } else {
        board.classList.remove("is-tabbed");
        list.removeAttribute("role");
        links().forEach(function (link) {
          ["role", "aria-selected", "aria-controls", "tabindex"].forEach(function (name) {
            link.removeAttribute(name);
          });
        });
        columns().forEach(function (column) {
          column.hidden = false;
          column.removeAttribute("role");
          column.setAttribute("aria-labelledby", "column-" + column.dataset.stage);
        });
      }
    }

    if (nav) {
      nav.addEventListener("click", function (event) {
        var link = event.target.closest("a[data-stage]");
        if (!link || !phone.matches) return;
        event.preventDefault();
        select(link.dataset.stage, true);
      });
      nav.addEventListener("keydown", function (event) {
        if (!phone.matches) return;
        var all = links();
        var at = all.indexOf(document.activeElement);
        if (at === -1) return;
        var to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
        if (to === undefined) return;
        event.preventDefault();
        to = (to + all.length) % all.length;
        select(all[to].dataset.stage, true);
      });
      if (phone.addEventListener) phone.addEventListener("change", apply);
      apply();
    }
    return { apply: apply };
  }
})();
