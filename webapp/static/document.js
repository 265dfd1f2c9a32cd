/* Printable pages: the print button, and paragraph fields that grow with their text so that all of it prints.
   Nothing typed is sent anywhere or stored. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("textarea"), function (area) {
    area.addEventListener("input", function () {
      area.style.height = "auto";
      area.style.height = area.scrollHeight + "px";
    });
  });
})();
