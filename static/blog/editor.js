// The post editor (blog/editor.py): ask before leaving the page with unsaved changes.
// A static file, as the site's CSP allows no inline script; the admin loads it in <head>.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const editor = document.querySelector(".post-editor");
  const form = editor && editor.closest("form");
  if (!form) {
    return;
  }
  let unsaved = false;
  form.addEventListener("input", function () { unsaved = true; });
  form.addEventListener("change", function () { unsaved = true; });
  form.addEventListener("submit", function () { unsaved = false; });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
