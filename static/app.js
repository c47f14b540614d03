/* Progressive enhancement only: every page works without this file.
   - A form with data-confirm asks in a modal <dialog> before it is sent; without scripts its
     required confirmation check box asks instead (templates/web/_ui.html, confirm_check).
   - A file input names the files chosen, in the page's language. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function confirmFirst(form) {
    var check = form.querySelector(".confirm-check input[type=checkbox]");
    if (check) { check.required = false; }
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirmed === "yes") { return; }
      event.preventDefault();
      var submitter = event.submitter || form.querySelector("button[type=submit], button:not([type])");
      var dialog = document.createElement("dialog");
      dialog.className = "confirm";
      dialog.setAttribute("aria-labelledby", "confirm-title");
      dialog.setAttribute("aria-describedby", "confirm-text");
      var title = document.createElement("h2");
      title.id = "confirm-title";
      title.textContent = form.dataset.confirmTitle || "";
      var text = document.createElement("p");
      text.id = "confirm-text";
      text.textContent = form.dataset.confirm;
      var actions = document.createElement("div");
      actions.className = "form-actions";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "krds-btn secondary";
      cancel.textContent = form.dataset.confirmCancel || "Cancel";
      var go = document.createElement("button");
      go.type = "button";
      go.className = "krds-btn danger";
      go.textContent = submitter ? submitter.textContent : "OK";
      actions.append(cancel, go);
      dialog.append(title, text, actions);
      document.body.append(dialog);
      dialog.addEventListener("close", function () { dialog.remove(); });
      cancel.addEventListener("click", function () { dialog.close(); if (submitter) { submitter.focus(); } });
      go.addEventListener("click", function () {
        if (check) { check.checked = true; }
        form.dataset.confirmed = "yes";
        dialog.close();
        if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
      });
      dialog.showModal();
      cancel.focus();
    });
  }

  function nameChosenFiles(input) {
    var shown = input.parentElement.querySelector(".chosen");
    if (!shown) { return; }
    function update() {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      shown.textContent = names.length ? names.join(", ") : shown.dataset.none;
    }
    input.addEventListener("change", update);
    update();
  }

  function start() {
    document.querySelectorAll("form[data-confirm]").forEach(confirmFirst);
    document.querySelectorAll(".file-pick input[type=file]").forEach(nameChosenFiles);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
