// Request form: "add a row" for the department and milestone formsets.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".add-row");
  if (!button) return;
  var prefix = button.getAttribute("data-formset");
  var rows = document.querySelector('.formset-rows[data-prefix="' + prefix + '"]');
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  if (!rows || !total) return;
  var last = rows.querySelector(".formset-row:last-of-type");
  var index = parseInt(total.value, 10);
  var clone = last.cloneNode(true);
  clone.querySelectorAll("[name], [id], [for], [hx-target]").forEach(function (el) {
    ["name", "id", "for", "hx-target"].forEach(function (attr) {
      var value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(new RegExp(prefix + "-\\d+-"), prefix + "-" + index + "-"));
    });
    if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") el.value = "";
    if (el.tagName === "SELECT") {
      if (el.getAttribute("data-testid") === "contact-select") {
        while (el.options.length > 1) el.remove(1);
      }
      el.selectedIndex = 0;
    }
  });
  clone.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
  rows.appendChild(clone);
  total.value = index + 1;
  if (window.htmx) window.htmx.process(clone);
});
