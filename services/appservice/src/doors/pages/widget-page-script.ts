/**
 * The browser side of the pad and conference pages, served as /atrium/static/widget-page.js
 * (kept in a TypeScript string so the build ships it; the pages allow no inline script).
 *
 * It runs twice. In the page's head, before anything else: Element appends the user's
 * integration-manager token (`scalar_token`) to widgets under `integrations_widgets_urls` (the
 * price of its "Edit" menu, see `@atrium/widgets` element-edit.ts); the script takes it out of
 * the address at once (`history.replaceState`), never reads it and never sends it on (the pages
 * send `Referrer-Policy: no-referrer`, and no log records their query strings).
 *
 * Then, once the page is parsed, in the widget's iframe it starts matrix-widget-api's WidgetApi
 * and asks the client for an OpenID token (`get_openid`) only when needed: a pad this browser
 * already holds a session for (Element re-rendering a pinned widget) opens straight away. While
 * the client asks the person ("verify your identity"), the page says what it waits for and how
 * to allow it, and waits as long as the prompt is open: no timeout, no error for a question the
 * client is still asking; the answer, however late, is acted on. The token is posted to the
 * page's endpoint and the page goes where the answer says, or shows the refusal. For a pad it
 * first checks whether Etherpad could keep its cookies in this iframe (it writes a cookie with
 * the attributes Etherpad 1.8/2.x would use and reads it back): when it could not (plain http
 * under a client of another origin, third-party cookies blocked), it says why in one sentence
 * and offers "Open in its own tab" (a single-use ticket, redeemed top-level) and, on https
 * where the browser has the Storage Access API, "Allow the pad here".
 *
 * It acknowledges the client's `theme_change` (and `language_changed`) and follows the theme
 * (`body[data-theme]`, light or dark).
 *
 * Opened on its own (Element's "Pop out", a copied link), the pad page resumes from the pad
 * session this browser already holds for the room, or says how to open the pad.
 *
 * `document.body.dataset.state` is `waiting`, then `asking` while the client's prompt is open,
 * and ends as `granted`, `own-tab` (the button is offered) or `refused` (tests and styles read
 * it).
 */
import { OWN_TAB_PART } from "./widget-page-own-tab";

export { WIDGET_PAGE_CSS } from "./widget-page-style";

export const WIDGET_PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var here = new URL(window.location.href);
  if (here.searchParams.has("scalar_token")) {
    here.searchParams.delete("scalar_token");
    window.history.replaceState(window.history.state, "", here.toString());
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();

  function main() {
  var body = document.body;
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var actionsEl = document.getElementById("actions");
  var ownTabButton = document.getElementById("own-tab");
  var allowHereButton = document.getElementById("allow-here");
  var isPad = body.getAttribute("data-kind") === "pad";
  var what = isPad ? "the pad" : "the call";
  var https = window.location.protocol === "https:";
  function fail(message, errcode) {
    statusEl.hidden = true;
    if (actionsEl) actionsEl.hidden = true;
    errorEl.hidden = false;
    errorEl.textContent = message;
    body.setAttribute("data-state", "refused");
    if (errcode) body.setAttribute("data-errcode", errcode);
  }
  function reason(err) {
    return err && err.message ? err.message : String(err);
  }
  function applyTheme(name) {
    if (typeof name === "string" && name) body.setAttribute("data-theme", /dark/i.test(name) ? "dark" : "light");
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
  applyTheme(params.get("theme"));
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
        fail("Could not reach Atrium: " + reason(err));
      },
    );
    return;
  }

${OWN_TAB_PART}
  var clientOrigin = "*";
  try {
    var parentUrl = params.get("parentUrl");
    if (parentUrl) clientOrigin = new URL(parentUrl).origin;
  } catch (e) {
    clientOrigin = "*";
  }
  var api = new window.mxwidgets.WidgetApi(widgetId, clientOrigin);
  function ack(ev) {
    ev.preventDefault();
    api.transport.reply(ev.detail, {});
  }
  api.on("action:theme_change", function (ev) {
    ack(ev);
    applyTheme(ev.detail.data && ev.detail.data.name);
  });
  api.on("action:language_changed", ack);
  var ready = new Promise(function (resolve) {
    api.on("ready", resolve);
  });
  // A hint, never an error: the client may be busy asking the person something.
  var slow = setTimeout(function () {
    if (body.getAttribute("data-state") === "waiting") {
      statusEl.textContent = "Still waiting for your Matrix client to start this widget. If it asks you something about this widget, answer it there; if nothing happens, reload the widget.";
    }
  }, 20000);
  var creds = null;

  function request() {
    return Object.assign({}, ref, {
      openid: { access_token: creds.access_token, matrix_server_name: creds.matrix_server_name },
    });
  }
  function openHere() {
    statusEl.textContent = "Checking that you are a member of this room…";
    post(body.getAttribute("data-endpoint"), request()).then(
      function (r) {
        if (!r.ok) {
          fail(r.data.error || "Refused.", r.data.errcode);
          return;
        }
        // A reader's grant is Atrium's read-only view: no Etherpad session, no cookie to check.
        if (isPad && !r.data.readOnly && document.cookie.indexOf("sessionID=") === -1) {
          offerOwnTab(blockedReason());
          return;
        }
        go(r.data);
      },
      function (err) {
        fail("Could not confirm who you are: " + reason(err));
      },
    );
  }
  function allowed(c) {
    creds = c;
    if (isPad && !cookiesWork()) offerOwnTab(blockedReason());
    else openHere();
  }
  function declined() {
    fail(
      "You did not let your Matrix client verify your identity for this widget, so " + what +
        " stays closed. To allow it, reload the widget and choose \u201cContinue\u201d when your client asks.",
      "ATRIUM_OPENID_DECLINED",
    );
  }
  // get_openid, kept open for as long as the person takes: the transport's usual 10 s limit
  // is for the client's first reply, and Element answers "request" at once, then asks.
  function askIdentity() {
    clearTimeout(slow);
    statusEl.textContent = "Asking your Matrix client who you are…";
    var transport = api.transport;
    var usual = transport.timeoutSeconds;
    transport.timeoutSeconds = 86400;
    var asked = transport.sendComplete("get_openid", {});
    transport.timeoutSeconds = usual;
    asked.then(
      function (res) {
        var r = res.response || {};
        if (r.state === "allowed") return allowed(r);
        if (r.state === "blocked") return declined();
        body.setAttribute("data-state", "asking");
        statusEl.textContent =
          "Your Matrix client is asking you whether this widget may verify your identity. Choose \u201cContinue\u201d in its prompt: " +
          what + " opens as soon as you do.";
        api.on("action:openid_credentials", function answered(ev) {
          var d = (ev.detail && ev.detail.data) || {};
          if (d.original_request_id !== res.requestId) return;
          ack(ev);
          api.off("action:openid_credentials", answered);
          if (d.state === "allowed") allowed(d);
          else declined();
        });
      },
      function (err) {
        fail("Your Matrix client would not confirm who you are: " + reason(err));
      },
    );
  }
  // Asked only when needed: a pad this browser holds a session for opens without a prompt.
  var resumed = isPad && cookiesWork()
    ? post("pad/resume", ref).then(
        function (r) {
          return r.ok ? r.data : null;
        },
        function () {
          return null;
        },
      )
    : Promise.resolve(null);
  resumed.then(function (grant) {
    if (grant) {
      clearTimeout(slow);
      go(grant);
      return;
    }
    ready.then(askIdentity);
  });
  api.start();
  }
})();
`;
