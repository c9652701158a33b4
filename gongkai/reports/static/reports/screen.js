// 电子公开栏: rotate the slides, scroll a long text through its time, and every minute fetch the page
// again and swap the slides in place. A network failure keeps what is shown; a screen that answers 404
// (revoked, or the organisation gone) is cleared at once, so a stopped members' screen shows nothing.
(function () {
  "use strict";
  var body = document.body;
  var slideMs = (parseInt(body.dataset.slide, 10) || 20) * 1000;
  var refreshMs = (parseInt(body.dataset.refresh, 10) || 60) * 1000;
  var container = document.getElementById("screen-slides");
  var count = document.getElementById("screen-count");
  var offline = document.getElementById("screen-offline");
  var index = -1, shownAt = 0;
  container.classList.add("js");

  function slides() { return container.querySelectorAll(".slide"); }

  function show(next) {
    var all = slides();
    if (!all.length) { return; }
    index = next % all.length;
    all.forEach(function (s, i) { s.classList.toggle("current", i === index); });
    var main = all[index].querySelector(".slide-main");
    if (main) { main.scrollTop = 0; }
    shownAt = Date.now();
    count.textContent = (index + 1) + " / " + all.length;
  }

  function tick() {
    var all = slides();
    if (!all.length) { return; }
    var main = all[index] && all[index].querySelector(".slide-main");
    var elapsed = Date.now() - shownAt;
    if (main && main.scrollHeight > main.clientHeight) {
      // A long text scrolls through its slot: pause 3 s, scroll, pause 3 s at the end.
      var span = main.scrollHeight - main.clientHeight;
      var slot = Math.max(slideMs, span * 25);
      main.scrollTop = Math.min(span, Math.max(0, (elapsed - 3000) / (slot - 6000)) * span);
      if (elapsed < slot) { return; }
    } else if (elapsed < slideMs) {
      return;
    }
    show(index + 1);
  }

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        offline.hidden = true;
        if (response.status === 404) {
          container.innerHTML = "";
          document.getElementById("screen-updated").textContent = "";
          count.textContent = "";
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("screen-slides");
        var updated = page.getElementById("screen-updated");
        if (fresh && fresh.innerHTML !== container.innerHTML) {
          container.innerHTML = fresh.innerHTML;
          show(0);
        }
        if (updated) { document.getElementById("screen-updated").textContent = updated.textContent; }
      })
      .catch(function () { offline.hidden = false; }); // keep showing what we have
  }

  show(0);
  window.setInterval(tick, 100);
  window.setInterval(refresh, refreshMs);
})();
