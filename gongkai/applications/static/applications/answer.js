// Issue 16: the answer form shows only what fits the chosen answer type (its reasons, the deferral
// date, publishing within a scope). Without JavaScript every field stays visible and the server
// checks the same rules.
(function () {
  "use strict";
  var select = document.getElementById("id_answer_type");
  if (!select) return;
  var parts = document.querySelectorAll("[data-answer-types]");
  function update() {
    var type = select.value;
    parts.forEach(function (p) {
      var fits = p.getAttribute("data-answer-types").split(" ").indexOf(type) !== -1;
      p.hidden = !fits;
      p.querySelectorAll("select, input").forEach(function (el) { el.disabled = !fits; });
    });
  }
  select.addEventListener("change", update);
  update();
})();
