// Progressive enhancement only: every form works without this file.
// Drag-and-drop onto the upload box, the chosen file's name, and a busy state while sending.
(function () {
  "use strict";
  document.querySelectorAll("[data-zona]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var shown = zone.querySelector("[data-elegido]");
    if (!input) { return; }
    function show() {
      if (shown) {
        shown.textContent = input.files && input.files.length ? "Archivo elegido: " + input.files[0].name : "";
      }
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("arrastrando");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("arrastrando"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  });
  document.querySelectorAll("form[data-subida]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      var limit = parseInt(form.getAttribute("data-maximo"), 10);
      if (input && input.files.length && limit && input.files[0].size > limit) {
        event.preventDefault();
        var box = document.querySelector("[data-error]");
        if (box) {
          box.querySelector("p").textContent = form.getAttribute("data-mensaje-maximo");
          box.hidden = false;
          box.focus();
        }
        return;
      }
      var button = form.querySelector("[data-enviar]");
      if (button) {
        button.disabled = true;
        button.textContent = "Revisando el archivo…";
      }
    });
  });
})();
