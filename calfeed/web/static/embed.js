/* calfeed — optional, for sites that show /embed in an iframe. Never required: the iframe works without it.
   Inside the iframe it tells the host page how tall the list is (postMessage); loaded on the host page, it
   sets the height of each calfeed iframe to that, so no scroll bar appears. Only heights are sent. */
(function () {
  "use strict";
  var KIND = "calfeed-embed-height";

  if (window.parent !== window) {
    var report = function () {
      window.parent.postMessage({type: KIND, height: document.documentElement.scrollHeight}, "*");
    };
    window.addEventListener("load", report);
    window.addEventListener("resize", report);
    return;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== KIND || typeof data.height !== "number") { return; }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      var from;
      try { from = new URL(frame.src, document.baseURI).origin; } catch (e) { continue; }
      if (frame.contentWindow === event.source && from === event.origin) {
        frame.style.height = Math.min(Math.max(Math.ceil(data.height), 50), 5000) + "px";
      }
    }
  });
})();
