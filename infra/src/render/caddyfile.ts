/** The Caddyfile of the TLS proxy: the only public HTTP entry point of the stack. */

/** Upstreams as `host:port` on the private network. */
export interface ProxyUpstreams {
  readonly synapse: string;
  readonly jitsiWeb: string;
  readonly etherpad: string;
  /** The appservice's web listener (pad pages under `/atrium/`). */
  readonly appserviceWeb: string;
  /** Element Web, when deployed. */
  readonly elementWeb?: string;
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
  /** Element's host, when Element Web is deployed. */
  readonly elementDomain?: string;
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

const blocked = (matcher: string, paths: string): string[] => [
  `\t@${matcher} path ${paths}`,
  `\thandle @${matcher} {`,
  "\t\trespond 404",
  "\t}",
];

const proxied = (paths: string, upstream: string): string[] => [
  `\thandle ${paths} {`,
  `\t\treverse_proxy ${upstream}`,
  "\t}",
];

const fallback = (body: string): string[] => ["\thandle {", `\t\t${body}`, "\t}"];

/**
 * Renders the Caddyfile. Synapse's admin API, Etherpad's HTTP API and Etherpad's admin pages
 * answer 404; only the routes listed here reach a container.
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
      ...blocked("etherpadApi", "/api /api/*"),
      ...blocked("etherpadAdmin", "/admin /admin/* /admin-auth /admin-auth/*"),
      ...proxied("/atrium/*", o.upstreams.appserviceWeb),
      ...fallback(`reverse_proxy ${o.upstreams.etherpad}`),
    ]),
  );
  if (o.elementDomain !== undefined && o.upstreams.elementWeb !== undefined) {
    sites.push(site(o.elementDomain, fallback(`reverse_proxy ${o.upstreams.elementWeb}`)));
  }
  const global =
    o.plainHttpPort === undefined
      ? ["{", `\temail ${o.acmeEmail}`, "}"]
      : ["{", "\tauto_https off", "\tadmin off", "}"];
  return `${[global.join("\n"), ...sites].join("\n\n")}\n`;
}
