// Drag a tile to another column to move the card: an enhancement over the card page's move
// buttons. It posts the same form to the same transition endpoint, with the version the board
// showed, and the server checks everything again; a refusal is shown in words. Served locally;
// no inline script (the Content-Security-Policy allows none).
(function () {
  var board = document.querySelector('.board[data-drag="on"]');
  var data = document.getElementById("board-moves");
  if (!board || !data) return;
  var moves = JSON.parse(data.textContent);
  var message = document.getElementById("board-message");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;

  function say(text, refused) {
    message.textContent = text;
    message.hidden = false;
    message.classList.toggle("flash-error", !!refused);
    message.classList.toggle("flash-info", !refused);
  }

  function columnName(column) {
    return column.getAttribute("data-status-name");
  }

  function columnOf(slug) {
    return board.querySelector('.column[data-status="' + slug + '"]');
  }

  function moveUrl(cardId, name) {
    return board
      .getAttribute("data-move-url")
      .replace("123456789", cardId)
      .replace("transition-name", name);
  }

  function bump(column, by) {
    var count = column && column.querySelector(".column-head .count");
    if (!count) return;
    var n = parseInt(count.textContent, 10) + by;
    count.textContent = String(n);
    count.setAttribute("data-count", String(n));
  }

  function place(tile, column) {
    bump(tile.closest(".column"), -1);
    bump(column, 1);
    var cards = column.querySelector(".column-cards");
    var empty = cards.querySelector(".column-empty");
    if (empty) empty.remove();
    cards.insertBefore(tile, cards.firstChild);
  }

  function drop(tile, column) {
    var from = tile.getAttribute("data-status");
    var to = column.getAttribute("data-status");
    var id = tile.getAttribute("data-card");
    if (from === to) return;
    var name = (moves[from] || {})[to];
    var fromName = columnName(columnOf(from));
    if (!name) {
      say("#" + id + " was not moved: there is no move from " + fromName + " to " +
        columnName(column) + ".", true);
      return;
    }
    var body = new FormData();
    body.append("version", tile.getAttribute("data-version"));
    body.append("comment", "");
    body.append("lost_reason", "");
    fetch(moveUrl(id, name), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": tokenInput ? tokenInput.value : "" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .then(function (result) {
        var answer = result.answer;
        if (result.ok) {
          tile.setAttribute("data-status", answer.status);
          tile.setAttribute("data-version", answer.version);
          redrawDeadline(tile, answer.sla);
          place(tile, column);
          say("#" + id + ": " + answer.detail, false);
        } else {
          var reasons = (answer.unmet || []).join(" ");
          say("#" + id + " was not moved to " + columnName(column) + ": " + answer.detail +
            (reasons ? " " + reasons : ""), true);
        }
      })
      .catch(function () {
        say("#" + id + " was not moved: the server could not be reached. Try again.", true);
      });
  }

  // A moved card starts a new status clock: its deadline mark is redrawn from the answer,
  // not left as it was until the page is reloaded.
  function redrawDeadline(tile, sla) {
    var mark = tile.querySelector(".sla-mark");
    if (!sla || !sla.state) {
      if (mark) mark.remove();
      return;
    }
    if (!mark) {
      mark = document.createElement("div");
      var client = tile.querySelector(".tile-client");
      client.insertAdjacentElement("afterend", mark);
    }
    mark.className = "sla-mark sla-" + sla.state;
    mark.textContent = sla.text;
  }

  board.addEventListener("dragstart", function (event) {
    var tile = event.target.closest ? event.target.closest('.tile[draggable="true"]') : null;
    if (!tile) return;
    dragged = tile;
    tile.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", tile.getAttribute("data-card"));
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    board.querySelectorAll(".drop-target").forEach(function (c) {
      c.classList.remove("drop-target");
    });
    dragged = null;
  });
  board.querySelectorAll(".column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", function () {
      column.classList.remove("drop-target");
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      if (dragged) drop(dragged, column);
    });
  });
})();
