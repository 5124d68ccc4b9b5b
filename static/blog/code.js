// A "Copy" button on each code block of an article. Added by this script, so a reader without
// JavaScript simply has no button; a static file, as the site's CSP allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll(".post-body pre").forEach(function (pre) {
    const block = document.createElement("div");
    block.className = "code-block";
    pre.parentNode.insertBefore(block, pre);
    block.appendChild(pre);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the code");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.innerText).then(
        function () { button.textContent = "Copied"; },
        function () { button.textContent = "Select and copy"; }
      );
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    });
    block.appendChild(button);
  });
});
