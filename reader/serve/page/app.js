// Runs after textual.js has set window.onload (which builds the terminal and connects).
// 1. The websocket URL is this page's own address with ws(s): and "ws" as the last path segment,
//    so the page works unchanged behind a reverse proxy, on any host, port or path prefix.
// 2. xterm.js measures its cell from the font when the terminal is made, so the fonts are loaded
//    first (with the Arabic faces, which are only fetched when a character needs them).
(function () {
  "use strict";
  var start = window.onload;
  window.onload = null;
  function wsUrl() {
    var url = new URL("ws", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "";
    url.hash = "";
    return url.href;
  }
  window.addEventListener("load", function (event) {
    document.querySelectorAll(".textual-terminal").forEach(function (el) {
      el.dataset.sessionWebsocketUrl = wsUrl();
    });
    var restart = document.getElementById("restart");
    if (restart) {
      restart.addEventListener("click", function () { window.location.reload(); });
    }
    var size = (document.querySelector(".textual-terminal") || {dataset: {}}).dataset.fontSize || "16";
    var family = size + 'px "Roboto Mono"';
    var loads = [
      document.fonts.load(family, "W"),
      document.fonts.load(family, "\ufefb\ufe8d\ufdf2\u0627"),
    ];
    var go = function () {
      if (start) { start.call(window, event); }
      // Keys go to the app at once, without a click first (a click would also move the cursor).
      var input = document.querySelector(".xterm-helper-textarea");
      if (input) { input.focus(); }
    };
    Promise.all(loads).then(go, go);
  });
})();
