// fedcity's one script. Every page works without it; it only improves them.
// No inline scripts: the Content-Security-Policy allows this file alone.
"use strict";

// Move focus to a form's error summary so that keyboard and screen-reader users
// land on what went wrong.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Live character count for text areas that declare a limit.
  for (const area of document.querySelectorAll("textarea[data-limit]")) {
    const limit = Number(area.dataset.limit);
    const counter = document.getElementById(area.dataset.counter || "");
    if (!counter || !limit) continue;
    const update = () => {
      const left = limit - [...area.value].length;
      counter.textContent = counter.dataset.template.replace("{left}", String(left));
    };
    area.addEventListener("input", update);
    update();
  }

  // Copy buttons (recovery codes, remote-follow handles).
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.copy);
      if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent || "");
    });
  }
});
