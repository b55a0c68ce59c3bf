/**
 * The browser side of the pad and conference pages, served as /atrium/static/widget-page.js
 * (kept in a TypeScript string so the build ships it; the pages allow no inline script).
 *
 * In the widget's iframe it starts matrix-widget-api's WidgetApi, asks the client for an
 * OpenID token (`get_openid`), posts it to the page's endpoint and goes where the answer says,
 * or shows the refusal. For a pad it first checks whether Etherpad could keep its cookies in
 * this iframe (it writes a cookie with the attributes Etherpad 1.8/2.x would use and reads it
 * back): when it could not (plain http under a client of another origin, third-party cookies
 * blocked), it says why in one sentence and offers "Open in its own tab" (a single-use ticket,
 * redeemed top-level) and, on https where the browser has the Storage Access API, "Allow the
 * pad here".
 *
 * Opened on its own (Element's "Pop out", a copied link), the pad page resumes from the pad
 * session this browser already holds for the room, or says how to open the pad.
 *
 * `document.body.dataset.state` ends as `granted`, `own-tab` (the button is offered) or
 * `refused` (tests and styles read it).
 */
export const WIDGET_PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var body = document.body;
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var actionsEl = document.getElementById("actions");
  var ownTabButton = document.getElementById("own-tab");
  var allowHereButton = document.getElementById("allow-here");
  var isPad = body.getAttribute("data-kind") === "pad";
  var https = window.location.protocol === "https:";
  function fail(message, errcode) {
    statusEl.hidden = true;
    if (actionsEl) actionsEl.hidden = true;
    errorEl.hidden = false;
    errorEl.textContent = message;
    body.setAttribute("data-state", "refused");
    if (errcode) body.setAttribute("data-errcode", errcode);
  }
  function post(path, payload) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    }).then(function (res) {
      return res.json().then(
        function (data) {
          return { ok: res.ok, data: data || {} };
        },
        function () {
          return { ok: false, data: { error: "Atrium answered " + res.status + "." } };
        },
      );
    });
  }
  function go(data) {
    body.setAttribute("data-state", "granted");
    statusEl.hidden = false;
    statusEl.textContent = data.readOnly ? "Opening (read-only)…" : "Opening…";
    window.location.replace(data.url);
  }
  var params = new URLSearchParams(window.location.search);
  var roomId = params.get("roomId");
  var widgetId = params.get("widgetId");
  if (!roomId || roomId.charAt(0) !== "!" || !widgetId) {
    fail("This page opens from its widget in a Matrix room: the room or widget id is missing.");
    return;
  }
  var ref = { roomId: roomId, widgetId: widgetId };

  if (window.parent === window) {
    if (!isPad) {
      fail("Open this from its widget in a Matrix room: your Matrix client must confirm who you are.");
      return;
    }
    // Pop-out: no widget API here; the session this browser holds for the room may vouch.
    statusEl.textContent = "Checking the pad session this browser holds…";
    post("pad/resume", ref).then(
      function (r) {
        if (r.ok) go(r.data);
        else fail(r.data.error || "Refused.", r.data.errcode);
      },
      function (err) {
        fail("Could not reach Atrium: " + (err && err.message ? err.message : String(err)));
      },
    );
    return;
  }

  // The origin of the page on top (the Matrix client), where the browser tells it.
  function topOrigin() {
    try {
      if (window.top.location.origin) return window.top.location.origin;
    } catch (e) {
      // another origin: not readable, as Etherpad's inThirdPartyIframe() finds too
    }
    var ancestors = window.location.ancestorOrigins;
    return ancestors && ancestors.length ? ancestors[ancestors.length - 1] : null;
  }
  // Would Etherpad keep its cookies in this iframe? Etherpad writes them SameSite=None when the
  // top page is of another origin (Secure only on https), else Lax; this page shares the pad's
  // host, so the browser treats its cookies as it will Etherpad's.
  function cookiesWork() {
    var thirdParty = topOrigin() !== body.getAttribute("data-pad-origin");
    var attrs = "; path=/; SameSite=" + (thirdParty ? "None" : "Lax") + (https ? "; Secure" : "");
    var value = Math.random().toString(36).slice(2);
    try {
      document.cookie = "atrium_probe=" + value + attrs;
      var kept = document.cookie.indexOf("atrium_probe=" + value) !== -1;
      document.cookie = "atrium_probe=; max-age=0" + attrs;
      return kept;
    } catch (e) {
      return false;
    }
  }
  function blockedReason() {
    return !https && topOrigin() !== body.getAttribute("data-pad-origin")
      ? "Your Matrix client runs on another site and pads here are served over plain http, so your browser does not let the pad keep its cookies inside the widget."
      : "Your browser blocks cookies of sites embedded in another site, so the pad cannot open inside the widget.";
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
  var creds = null;
  var ticket = null;

  function request() {
    return Object.assign({}, ref, {
      openid: { access_token: creds.access_token, matrix_server_name: creds.matrix_server_name },
    });
  }
  // A ticket for the own tab; kept for 40 s of its 60 so a click right away needs no wait.
  function takeTicket() {
    var held = ticket;
    ticket = null;
    if (held && Date.now() - held.at < 40000) return Promise.resolve(held);
    return post("pad/ticket", request()).then(function (r) {
      if (!r.ok) throw Object.assign(new Error(r.data.error || "Refused."), { errcode: r.data.errcode });
      return { url: r.data.url, at: Date.now() };
    });
  }
  function offerOwnTab(reason) {
    statusEl.textContent = "Checking that you are a member of this room…";
    takeTicket().then(
      function (t) {
        ticket = t;
        body.setAttribute("data-state", "own-tab");
        statusEl.textContent = reason;
        actionsEl.hidden = false;
        allowHereButton.hidden = !(https && typeof document.requestStorageAccess === "function");
      },
      function (err) {
        fail(err.message, err.errcode);
      },
    );
  }
  ownTabButton.addEventListener("click", function () {
    // Opened now, while the click counts, so no popup blocker stands in the way.
    var tab = window.open("", "_blank");
    takeTicket().then(
      function (t) {
        var url = new URL(t.url, window.location.href).toString();
        if (tab) {
          tab.opener = null;
          tab.location.replace(url);
        } else {
          window.open(url, "_blank", "noopener");
        }
        statusEl.textContent = "The pad is open in its own tab.";
        offerOwnTab("The pad is open in its own tab. Open it again:");
      },
      function (err) {
        if (tab) tab.close();
        fail(err.message, err.errcode);
      },
    );
  });
  allowHereButton.addEventListener("click", function () {
    document.requestStorageAccess().then(
      function () {
        if (cookiesWork()) openHere();
        else statusEl.textContent = "Your browser still keeps the pad's cookies out; open it in its own tab.";
      },
      function () {
        statusEl.textContent = "Your browser did not allow it; open the pad in its own tab.";
      },
    );
  });
  function openHere() {
    statusEl.textContent = "Checking that you are a member of this room…";
    post(body.getAttribute("data-endpoint"), request()).then(
      function (r) {
        if (!r.ok) {
          fail(r.data.error || "Refused.", r.data.errcode);
          return;
        }
        if (isPad && document.cookie.indexOf("sessionID=") === -1) {
          offerOwnTab(blockedReason());
          return;
        }
        go(r.data);
      },
      function (err) {
        fail("Could not confirm who you are: " + (err && err.message ? err.message : String(err)));
      },
    );
  }
  api.on("ready", function () {
    statusEl.textContent = "Asking your Matrix client who you are…";
    api.requestOpenIDConnectToken().then(
      function (c) {
        clearTimeout(timer);
        creds = c;
        if (isPad && !cookiesWork()) offerOwnTab(blockedReason());
        else openHere();
      },
      function (err) {
        clearTimeout(timer);
        fail("Could not confirm who you are: " + (err && err.message ? err.message : String(err)));
      },
    );
  });
  api.start();
})();
`;

export const WIDGET_PAGE_CSS = `body{font:16px/1.4 system-ui,sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:#fff;color:#222}
main{max-width:32em;padding:1em;text-align:center}
#error{color:#a00}
[hidden]{display:none!important}
#actions{display:flex;gap:.5em;justify-content:center;flex-wrap:wrap}
button{font:inherit;padding:.5em 1em;border-radius:.4em;border:1px solid #0a6;background:#0a6;color:#fff;cursor:pointer}
#allow-here{background:#fff;color:#0a6}
`;
