/**
 * The browser side of the pad and conference pages, served as /atrium/static/widget-page.js
 * (kept in a TypeScript string so the build ships it; the pages allow no inline script). It
 * starts matrix-widget-api's WidgetApi, asks the client for an OpenID token (`get_openid`),
 * posts it to the page's endpoint and goes where the answer says, or shows the refusal.
 * `document.body.dataset.state` ends as `granted` or `refused` (tests and styles read it).
 */
export const WIDGET_PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var body = document.body;
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  function fail(message, errcode) {
    statusEl.hidden = true;
    errorEl.hidden = false;
    errorEl.textContent = message;
    body.setAttribute("data-state", "refused");
    if (errcode) body.setAttribute("data-errcode", errcode);
  }
  var params = new URLSearchParams(window.location.search);
  var roomId = params.get("roomId");
  var widgetId = params.get("widgetId");
  if (!roomId || roomId.charAt(0) !== "!" || !widgetId) {
    fail("This page opens from its widget in a Matrix room: the room or widget id is missing.");
    return;
  }
  if (window.parent === window) {
    fail("Open this from its widget in a Matrix room: your Matrix client must confirm who you are.");
    return;
  }
  var clientOrigin = "*";
  try {
    var parentUrl = params.get("parentUrl");
    if (parentUrl) clientOrigin = new URL(parentUrl).origin;
  } catch (e) {
    clientOrigin = "*";
  }
  var api = new window.mxwidgets.WidgetApi(widgetId, clientOrigin);
  var timer = setTimeout(function () {
    fail("Your Matrix client did not answer. Reload the widget.");
  }, 30000);
  api.on("ready", function () {
    statusEl.textContent = "Asking your Matrix client who you are…";
    api
      .requestOpenIDConnectToken()
      .then(function (creds) {
        statusEl.textContent = "Checking that you are a member of this room…";
        return fetch(body.getAttribute("data-endpoint"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            roomId: roomId,
            widgetId: widgetId,
            openid: { access_token: creds.access_token, matrix_server_name: creds.matrix_server_name },
          }),
        });
      })
      .then(function (res) {
        return res.json().then(function (data) {
          return { ok: res.ok, data: data || {} };
        });
      })
      .then(function (r) {
        clearTimeout(timer);
        if (!r.ok) {
          fail(r.data.error || "Refused.", r.data.errcode);
          return;
        }
        body.setAttribute("data-state", "granted");
        statusEl.textContent = r.data.readOnly ? "Opening (read-only)…" : "Opening…";
        window.location.replace(r.data.url);
      })
      .catch(function (err) {
        clearTimeout(timer);
        fail("Could not confirm who you are: " + (err && err.message ? err.message : String(err)));
      });
  });
  api.start();
})();
`;

export const WIDGET_PAGE_CSS = `body{font:16px/1.4 system-ui,sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:#fff;color:#222}
main{max-width:32em;padding:1em;text-align:center}
#error{color:#a00}
`;
