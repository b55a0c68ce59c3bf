/** The Caddyfile of the TLS proxy: the only public HTTP entry point of the stack. */

/** Upstreams as `host:port` on the private network. */
export interface ProxyUpstreams {
  readonly synapse: string;
  readonly jitsiWeb: string;
  readonly etherpad: string;
  /** The appservice's web listener (pad pages under `/atrium/`). */
  readonly appserviceWeb: string;
  /** The appservice's integration manager listener, when the IM domain is served. */
  readonly appserviceIm?: string;
  /** Element Web, when deployed. */
  readonly elementWeb?: string;
  /** The LiveKit SFU's HTTP port, when MatrixRTC calls are on. */
  readonly livekit?: string;
}

/** Inputs of {@link renderCaddyfile}. */
export interface CaddyfileOptions {
  /** ACME account e-mail; omitted in plain-HTTP mode. */
  readonly acmeEmail: string;
  /** Matrix server name: serves `/.well-known/matrix/*`. */
  readonly domain: string;
  readonly homeserverDomain: string;
  readonly jitsiDomain: string;
  readonly padDomain: string;
  /** The integration manager's own origin (every path goes to the IM listener). */
  readonly imDomain?: string;
  /** Element's host, when Element Web is deployed. */
  readonly elementDomain?: string;
  /** The SFU's host (its signalling websocket), when MatrixRTC calls are on. */
  readonly sfuDomain?: string;
  readonly upstreams: ProxyUpstreams;
  /** Bodies of the well-known documents (JSON text). */
  readonly wellKnown: { readonly server: string; readonly client: string; readonly jitsi: string };
  /**
   * Test mode: serve every site over plain HTTP on this port with automatic HTTPS off, so the
   * routing can be exercised on loopback without certificates. Never set in production.
   */
  readonly plainHttpPort?: number;
}

/** A JSON document served with CORS, as Element fetches it cross-origin. */
function jsonRoute(path: string, body: string): string[] {
  if (body.includes("`"))
    throw new Error(`well-known body for ${path} must not contain a backtick`);
  return [
    `\thandle ${path} {`,
    "\t\theader Content-Type application/json",
    '\t\theader Access-Control-Allow-Origin "*"',
    `\t\trespond \`${body}\` 200`,
    "\t}",
  ];
}

/** Requests on `paths` (a named matcher) answered by `body`. */
const matched = (matcher: string, paths: string, body: string): string[] => [
  `\t@${matcher} path ${paths}`,
  `\thandle @${matcher} {`,
  `\t\t${body}`,
  "\t}",
];

const blocked = (matcher: string, paths: string): string[] =>
  matched(matcher, paths, "respond 404");

const proxied = (paths: string, upstream: string): string[] => [
  `\thandle ${paths} {`,
  `\t\treverse_proxy ${upstream}`,
  "\t}",
];

const fallback = (body: string): string[] => ["\thandle {", `\t\t${body}`, "\t}"];

/**
 * What an Etherpad 2.x pad page loads, and nothing else: the page and its sub-pages
 * (timeslider, export), the esbuild bundles served at the root (`padbootstrap-<hash>.min.js`,
 * `timeSliderBootstrap-<hash>.min.js`), static assets, translations, the plugin list, the
 * socket.io channel and the session keep-alive (etherpad `specialpages.ts`, `i18n.ts`).
 * Everything else Etherpad serves publicly — its HTTP API under `/api` and `/rest/<version>`,
 * `/api-docs*`, `/stats`, `/health`, `/oidc/*`, `/interaction/*`, `/admin*`, `/tests/*`, the
 * index page that creates pads by name — answers 404 at the proxy.
 */
export const ETHERPAD_PUBLIC_PATHS: readonly string[] = [
  "/p/*",
  "/padbootstrap-*",
  "/timeSliderBootstrap-*",
  "/static/*",
  "/locales/*",
  "/locales.json",
  "/pluginfw/plugin-definitions.json",
  "/socket.io/*",
  "/_extendExpressSessionLifetime",
  "/favicon.ico",
  "/robots.txt",
];

/**
 * Renders the Caddyfile. Synapse's admin API answers 404, Etherpad only serves what a pad page
 * needs; only the routes listed here reach a container.
 */
export function renderCaddyfile(o: CaddyfileOptions): string {
  const site = (host: string, body: string[]): string =>
    [
      `${o.plainHttpPort === undefined ? host : `http://${host}:${o.plainHttpPort}`} {`,
      ...body,
      "}",
    ].join("\n");
  const matrixRoutes = [
    ...blocked("synapseAdmin", "/_synapse/admin /_synapse/admin/*"),
    ...proxied("/_matrix/*", o.upstreams.synapse),
    ...proxied("/_synapse/client/*", o.upstreams.synapse),
  ];
  const wellKnownRoutes = [
    ...jsonRoute("/.well-known/matrix/server", o.wellKnown.server),
    ...jsonRoute("/.well-known/matrix/client", o.wellKnown.client),
  ];
  const sites: string[] = [];
  if (o.homeserverDomain === o.domain) {
    sites.push(site(o.domain, [...wellKnownRoutes, ...matrixRoutes, ...fallback("respond 404")]));
  } else {
    sites.push(site(o.domain, [...wellKnownRoutes, ...fallback("respond 404")]));
    sites.push(site(o.homeserverDomain, [...matrixRoutes, ...fallback("respond 404")]));
  }
  sites.push(
    site(o.jitsiDomain, [
      ...jsonRoute("/.well-known/element/jitsi", o.wellKnown.jitsi),
      ...fallback(`reverse_proxy ${o.upstreams.jitsiWeb}`),
    ]),
  );
  sites.push(
    site(o.padDomain, [
      // Only the SFU posts webhooks, from the private network; signed, and still not public.
      ...blocked("rtcWebhook", "/atrium/rtc/webhook"),
      ...proxied("/atrium/*", o.upstreams.appserviceWeb),
      ...matched(
        "etherpad",
        ETHERPAD_PUBLIC_PATHS.join(" "),
        `reverse_proxy ${o.upstreams.etherpad}`,
      ),
      ...fallback("respond 404"),
    ]),
  );
  if (o.imDomain !== undefined && o.upstreams.appserviceIm !== undefined) {
    // The IM serves its UI (/element), REST API (/api), MSC1961 routes (/_matrix/integrations)
    // and /.well-known/matrix/integrations itself, on an origin no widget page shares.
    sites.push(site(o.imDomain, fallback(`reverse_proxy ${o.upstreams.appserviceIm}`)));
  }
  if (o.sfuDomain !== undefined && o.upstreams.livekit !== undefined) {
    // Clients open only the signalling websocket (`/rtc`, `/rtc/v1`) and its `/rtc/validate`;
    // the RoomService API (`/twirp/*`) on the same port stays private to Atrium.
    sites.push(
      site(o.sfuDomain, [
        ...matched("signalling", "/rtc /rtc/*", `reverse_proxy ${o.upstreams.livekit}`),
        ...fallback("respond 404"),
      ]),
    );
  }
  if (o.elementDomain !== undefined && o.upstreams.elementWeb !== undefined) {
    sites.push(site(o.elementDomain, fallback(`reverse_proxy ${o.upstreams.elementWeb}`)));
  }
  const global =
    o.plainHttpPort === undefined
      ? ["{", `\temail ${o.acmeEmail}`, "}"]
      : ["{", "\tauto_https off", "\tadmin off", "}"];
  return `${[global.join("\n"), ...sites].join("\n\n")}\n`;
}
