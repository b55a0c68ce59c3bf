/**
 * The part of the widget page's script (widget-page-script.ts) that deals with a pad whose
 * cookies the browser would keep out of the iframe: the cookie probe, the reason shown, the
 * own-tab ticket and button, and "Allow the pad here" (Storage Access API). It is spliced into
 * the page script's `main()`, whose variables (`body`, `statusEl`, `https`, `request()`, …) it
 * uses; its function declarations are hoisted there.
 */
export const OWN_TAB_PART = String.raw`  // The origin of the page on top (the Matrix client), where the browser tells it.
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

  var ticket = null;
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
  function offerOwnTab(why) {
    statusEl.textContent = "Checking that you are a member of this room…";
    takeTicket().then(
      function (t) {
        ticket = t;
        body.setAttribute("data-state", "own-tab");
        statusEl.textContent = why;
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
`;
