/* clearpost pages: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  // Send the CSRF token with every htmx request (forms also carry it in a hidden field).
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { e.detail.headers["X-CSRF-Token"] = meta.content; }
  });
  // Mark when a result was swapped in, for people (focus stays put) and for the browser tests.
  document.addEventListener("htmx:afterSwap", function (e) {
    e.detail.target.setAttribute("data-swapped-at", String(performance.now()));
  });
  // A failed background request says so where its result would have appeared.
  document.addEventListener("htmx:responseError", function (e) {
    var status = e.detail.xhr.status;
    var text = status === 413 ? "That is too large to check here. Attach smaller or fewer photos."
      : status === 403 ? "Your session has ended. Reload the page and sign in again."
      : "The check could not run just now (error " + status + "). Try again in a moment.";
    var box = document.createElement("div");
    box.className = "notice error"; box.setAttribute("role", "alert"); box.textContent = text;
    e.detail.target.replaceChildren(box);
  });
  document.addEventListener("htmx:sendError", function (e) {
    var box = document.createElement("div");
    box.className = "notice error"; box.setAttribute("role", "alert");
    box.textContent = "The server could not be reached. Check your connection and try again.";
    e.detail.target.replaceChildren(box);
  });
  document.addEventListener("click", function (e) {
    var copy = e.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      var status = copy.parentElement.querySelector("[data-copy-status]");
      var said = false;
      var say = function (text) { if (!said && status) { said = true; status.textContent = text; } };
      var legacy = function () {
        source.select();
        say(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C (or Cmd+C) to copy.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { say("Copied."); }, legacy);
        setTimeout(function () { if (!said) { legacy(); } }, 1000);
      } else { legacy(); }
      return;
    }
    var photo = e.target.closest("[data-needs-photo]");
    if (photo) {
      e.preventDefault();
      var form = photo.form;
      var input = form.querySelector('input[type="file"]');
      if (!input.files.length) { input.focus(); alert("Attach a photo first."); return; }
      fetch("/check/safe-photo", { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) { throw new Error("The safe photo could not be made (" + r.status + ")."); }
          var name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
          return r.blob().then(function (b) { return [b, name ? name[1] : "safe-photo"]; });
        })
        .then(function (pair) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(pair[0]); a.download = pair[1];
          document.body.appendChild(a); a.click(); a.remove();
        })
        .catch(function (err) { alert(err.message); });
    }
  });
})();
