// The admin's spreadsheet export page: the "select all" box ticks or unticks
// every field (django-import-export wires it with an inline handler, which the
// Content-Security-Policy blocks).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".select-toggle");
  if (!toggle) return;
  toggle.addEventListener("change", () => {
    document
      .querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
      .forEach((box) => {
        box.checked = toggle.checked;
      });
  });
});
