// Starts Swagger UI on /api/docs/. This is drf-spectacular's own start-up script
// (drf_spectacular/swagger_ui.js, BSD licence) as a static file, so that the page needs no
// inline <script> under the Content-Security-Policy: the values the stock template writes
// into the script come from this script element's data attributes instead.
(function () {
  "use strict";

  var script = document.currentScript;
  var data = function (name, fallback) {
    var value = script.getAttribute("data-" + name);
    return value === null || value === "" || value === "None" ? fallback : value;
  };
  var swaggerSettings = JSON.parse(data("settings", "{}"));
  var oauth2Config = JSON.parse(data("oauth2-config", "{}"));
  var schemaAuthNames = JSON.parse(data("schema-auth-names", "[]"));
  var schemaUrl = data("schema-url", "");
  var csrfHeaderName = data("csrf-header-name", "X-CSRFTOKEN");
  var csrfToken = data("csrf-token", "");
  var schemaAuthFailed = false;
  var plugins = [];
  var ui;

  var reloadSchema = function (ori) {
    return function () {
      schemaAuthFailed = false;
      setTimeout(function () { ui.specActions.download(); });
      return ori.apply(null, arguments);
    };
  };
  var reloadSchemaOnAuthChange = function () {
    return {
      statePlugins: {
        auth: {
          wrapActions: {
            authorizeOauth2: reloadSchema,
            authorize: reloadSchema,
            logout: reloadSchema,
          },
        },
      },
    };
  };
  if (schemaAuthNames.length > 0) {
    plugins.push(reloadSchemaOnAuthChange);
  }

  var isSchemaUrl = function (url) {
    return ui !== undefined && url === new URL(ui.getConfigs().url, document.baseURI).href;
  };

  var responseInterceptor = function (response) {
    if (!response.ok && isSchemaUrl(response.url)) {
      console.warn("schema request received '" + response.status + "'. disabling credentials for schema till logout.");
      if (!schemaAuthFailed) {
        // only retry once to prevent endless loop.
        schemaAuthFailed = true;
        setTimeout(function () { ui.specActions.download(); });
      }
    }
    return response;
  };

  var injectAuthCredentials = function (request) {
    var authorized;
    if (ui !== undefined) {
      var state = ui.getState().get("auth").get("authorized");
      if (state !== undefined && Object.keys(state.toJS()).length !== 0) {
        authorized = state.toJS();
      }
    } else if ([undefined, "{}"].indexOf(localStorage.authorized) === -1) {
      authorized = JSON.parse(localStorage.authorized);
    }
    if (authorized === undefined) {
      return;
    }
    for (var i = 0; i < schemaAuthNames.length; i++) {
      var authDef = authorized[schemaAuthNames[i]];
      if (authDef === undefined || authDef.schema === undefined) {
        continue;
      }
      var schema = authDef.schema;
      if (schema.type === "http" && schema.scheme === "bearer") {
        request.headers["Authorization"] = "Bearer " + authDef.value;
        return;
      } else if (schema.type === "http" && schema.scheme === "basic") {
        request.headers["Authorization"] = "Basic " + btoa(authDef.value.username + ":" + authDef.value.password);
        return;
      } else if (schema.type === "apiKey" && schema.in === "header") {
        request.headers[schema.name] = authDef.value;
        return;
      } else if (schema.type === "oauth2" && authDef.token.token_type === "Bearer") {
        request.headers["Authorization"] = "Bearer " + authDef.token.access_token;
        return;
      }
    }
  };

  var requestInterceptor = function (request) {
    if (request.loadSpec && schemaAuthNames.length > 0 && !schemaAuthFailed) {
      try {
        injectAuthCredentials(request);
      } catch (e) {
        console.error("schema auth injection failed with error: ", e);
      }
    }
    // selectively omit adding headers to mitigate CORS issues.
    if (["GET", undefined].indexOf(request.method) === -1 && request.credentials === "same-origin") {
      request.headers[csrfHeaderName] = csrfToken;
    }
    return request;
  };

  ui = window.SwaggerUIBundle(Object.assign({
    url: schemaUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: plugins,
    layout: "BaseLayout",
    requestInterceptor: requestInterceptor,
    responseInterceptor: responseInterceptor,
  }, swaggerSettings));

  if (Object.keys(oauth2Config).length > 0) {
    ui.initOAuth(oauth2Config);
  }
})();
