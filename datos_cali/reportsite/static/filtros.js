/* Search and filters for the front page's list of datasets.
   Progressive: without JavaScript the form stays hidden and the whole list is shown; with it,
   the form appears and hides the rows that do not match. No inline scripts, nothing loaded. */
(function () {
  "use strict";

  var form = document.getElementById("filtros");
  if (!form) {
    return;
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.conjunto"));
  var count = document.getElementById("filtros-cuenta");

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function matchesIndex(row, band) {
    if (!band) {
      return true;
    }
    var value = parseFloat(row.getAttribute("data-indice"));
    if (isNaN(value)) {
      return false;
    }
    return band === "0" ? value < 5 : value >= parseFloat(band);
  }

  function apply() {
    var text = plain(form.elements.texto.value.trim());
    var organismo = form.elements.organismo.value;
    var portal = form.elements.portal.value;
    var resultado = form.elements.resultado.value;
    var band = form.elements.indice.value;
    var shown = 0;
    rows.forEach(function (row) {
      var visible =
        (!text || plain(row.textContent).indexOf(text) !== -1) &&
        (!organismo || row.getAttribute("data-organismo") === organismo) &&
        (!portal || row.getAttribute("data-portales").split(" ").indexOf(portal) !== -1) &&
        (!resultado || row.getAttribute("data-resultado") === resultado) &&
        matchesIndex(row, band);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    if (shown === rows.length) {
      count.textContent = "Se muestran todos los conjuntos (" + rows.length + ").";
    } else {
      count.textContent =
        (shown === 1 ? "Se muestra 1" : "Se muestran " + shown) + " de " + rows.length + " conjuntos.";
    }
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  apply();
})();
