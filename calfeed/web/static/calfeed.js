/* calfeed — progressive enhancement only: every page works without this file.
   Shows the "Copy" button beside a feed address and copies the address on click.
   Words come from the page (data-done, data-failed), so the file holds no language. */
(function () {
  "use strict";

  function announce(button, text) {
    var status = button.parentNode.parentNode.querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { announce(button, button.getAttribute("data-done")); };
    var fallback = function () {
      field.focus();
      field.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) { done(); } else { announce(button, button.getAttribute("data-failed")); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  function enhance() {
    var buttons = document.querySelectorAll("button.copy[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
