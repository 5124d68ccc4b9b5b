// A "Copy" button beside each read-only link field marked data-copy-button (its value names the
// button for screen readers). Added by this script, so without JavaScript the field is there to
// select by hand; a static file, as the site's CSP allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("input[data-copy-button]").forEach(function (field) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button copy-link";
    button.textContent = "Copy";
    button.setAttribute("aria-label", field.dataset.copyButton);
    const said = document.createElement("span");
    said.className = "copy-link-status";
    said.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { said.textContent = "Copied"; },
        function () { said.textContent = "Select the link and copy it"; field.select(); }
      );
    });
    field.after(button, said);
  });
});
