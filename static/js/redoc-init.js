// Starts Redoc on /api/redoc/ with the schema address and settings the page gives in this
// script's data attributes (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var script = document.currentScript;

  // Redoc's sidebar shows Redocly's logo from Redocly's servers. This page loads nothing
  // from other sites (intranets may have no Internet, and the policy would block it), so
  // an image address on another site, given as attribute or property, is kept aside in
  // data-outside-src and never requested; api-redoc.css hides the empty image.
  var outside = function (value) {
    var url = new URL(value, document.baseURI);
    return /^https?:$/.test(url.protocol) && url.origin !== location.origin;
  };
  var setAttribute = Element.prototype.setAttribute;
  HTMLImageElement.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "src" && outside(value)) {
      name = "data-outside-src";
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      if (outside(value)) {
        setAttribute.call(this, "data-outside-src", value);
      } else {
        src.set.call(this, value);
      }
    },
  });

  window.Redoc.init(
    script.getAttribute("data-schema-url"),
    JSON.parse(script.getAttribute("data-settings") || "{}"),
    document.getElementById("redoc-container")
  );
})();
