/**
 * haproxy.cfg of the Kubernetes target's router: the Ingress hands it the Matrix, pad and
 * well-known traffic, and it sends each Synapse path to its worker pool (ESS puts HAProxy in the
 * same place: `partial-haproxy.cfg.tpl`), Etherpad only what a pad page loads, and answers the
 * well-known documents itself.
 */
import type { Balance } from "../synapse-workers";

/** Where a backend's servers are. */
export type RouterServers =
  /** Fixed addresses (tests on loopback). */
  | { readonly kind: "static"; readonly servers: readonly { host: string; port: number }[] }
  /** One DNS name (a ClusterIP Service), resolved at run time. */
  | { readonly kind: "host"; readonly host: string; readonly port: number }
  /** The pods behind a headless Service, by its SRV records, up to `slots` of them. */
  | { readonly kind: "srv"; readonly record: string; readonly slots: number };

/** A Synapse worker pool: the paths it serves and how requests spread over its pods. */
export interface RouterPool {
  readonly name: string;
  readonly balance: Balance;
  /** Regular expressions matched against the path (Synapse's workers.md style). */
  readonly paths: readonly string[];
  readonly servers: RouterServers;
}

/** Inputs of {@link renderHaproxyConfig}. */
export interface RouterOptions {
  readonly port: number;
  /** Host names the Ingress sends here. */
  readonly hosts: {
    readonly domain: string;
    readonly homeserverDomain: string;
    readonly padDomain: string;
    readonly jitsiDomain: string;
    /** In-cluster names (Host headers) treated as the homeserver's. */
    readonly internal?: readonly string[];
  };
  /** Bodies of the well-known documents (JSON text). */
  readonly wellKnown: { readonly server: string; readonly client: string; readonly jitsi: string };
  readonly synapseMain: RouterServers;
  /** Worker pools in routing order (the first whose paths match wins). */
  readonly pools: readonly RouterPool[];
  readonly etherpad: RouterServers;
  /** The appservice's web listener (pad pages under `/atrium/`). */
  readonly appserviceWeb: RouterServers;
  /** Etherpad's public paths: `/p/*` is a prefix, `/locales.json` an exact path. */
  readonly etherpadPaths: readonly string[];
  /** Resolve names with the servers in /etc/resolv.conf (Kubernetes' DNS). */
  readonly dns: boolean;
  /**
   * Networks (CIDRs) of the proxies in front of the router whose X-Forwarded-For is believed:
   * from them the last address of the header (the one that proxy saw) is passed on; from
   * anywhere else the header is replaced by the connection's address. Default: none.
   */
  readonly trustedProxies?: readonly string[];
}

/** The health endpoint of the router itself (liveness and readiness probes). */
export const ROUTER_HEALTH_PATH = "/router-health";

const ident = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, "_");

const CIDR = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

/**
 * HAProxy's `option httplog` line with the request's path (`%HP`) in place of its full line
 * (`%r`): access tokens and login tickets travel in query strings and must never be logged.
 */
const LOG_FORMAT =
  'log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %HM %HP %HV"';

/**
 * The X-Forwarded-For Synapse receives (it rate-limits and records clients by it): from a
 * trusted proxy, the last address of its header (the client it saw; anything before that was
 * written by the client); from any other peer, the connection's own address.
 */
function forwardedForLines(trusted: readonly string[]): string[] {
  for (const cidr of trusted) {
    if (!CIDR.test(cidr))
      throw new Error(`router: trusted proxy "${cidr}" is not an address or CIDR`);
  }
  const lines = ["\thttp-request del-header Forwarded"];
  if (trusted.length === 0) {
    return [...lines, "\thttp-request set-header X-Forwarded-For %[src]"];
  }
  return [
    ...lines,
    `\tacl from_trusted_proxy src ${trusted.join(" ")}`,
    "\tacl has_xff req.hdr(x-forwarded-for) -m found",
    "\thttp-request set-header X-Forwarded-For %[req.hdr(x-forwarded-for,-1)] if from_trusted_proxy has_xff",
    "\thttp-request set-header X-Forwarded-For %[src] unless from_trusted_proxy has_xff",
  ];
}

function serverLines(servers: RouterServers, check: string, dns: boolean): string[] {
  const resolve = dns ? " resolvers kubedns" : "";
  switch (servers.kind) {
    case "static":
      return servers.servers.map((s, i) => `\tserver s${i} ${s.host}:${s.port} ${check}`);
    case "host":
      return [
        `\tserver s0 ${servers.host}:${servers.port} ${check}${resolve} init-addr last,libc,none`,
      ];
    case "srv":
      return [
        `\tserver-template s ${servers.slots} ${servers.record} ${check}${resolve} init-addr none`,
      ];
  }
}

function balanceLines(balance: Balance): string[] {
  switch (balance) {
    case "token":
      // The whole Authorization header (or the access_token parameter) keys the hash: a
      // client's /sync keeps its pod and that pod's caches (ESS hashes the token too).
      return [
        "\thttp-request set-var(txn.token) req.fhdr(authorization) if { req.fhdr(authorization) -m found }",
        "\thttp-request set-var(txn.token) url_param(access_token) unless { var(txn.token) -m found }",
        "\tbalance hash var(txn.token)",
        "\thash-type consistent",
      ];
    case "room":
      // /_matrix/client/v3/rooms/<room id>/...: the sixth path field.
      return ["\tbalance hash path,field(6,/)", "\thash-type consistent"];
    case "source":
      return ["\tbalance source", "\thash-type consistent"];
    case "uri":
      return ["\tbalance uri", "\thash-type consistent"];
    case "roundrobin":
      return ["\tbalance roundrobin"];
  }
}

/** A literal for `string '…'` (HAProxy keeps single-quoted text as is). */
function quoted(body: string): string {
  if (body.includes("'")) throw new Error("a router response body must not contain a quote (')");
  return `'${body}'`;
}

/** Etherpad's public paths as HAProxy ACL lines (`*` ending = prefix). */
function etherpadAcl(paths: readonly string[]): string[] {
  return paths.map((p) =>
    p.endsWith("*")
      ? `\tacl etherpad_public path_beg ${p.slice(0, -1)}`
      : `\tacl etherpad_public path ${p}`,
  );
}

/**
 * Renders haproxy.cfg. A pool is used only while it has a healthy server; otherwise its paths
 * fall back to main, which serves every endpoint (ESS does the same). `/_synapse/admin` and
 * anything not listed answer 404.
 */
export function renderHaproxyConfig(o: RouterOptions): string {
  const { hosts, wellKnown } = o;
  const synapseCheck = "check inter 5s fall 3 rise 2";
  const json = (acl: string, path: string, body: string): string =>
    `\thttp-request return status 200 content-type application/json hdr Access-Control-Allow-Origin "*" string ${quoted(body)} if ${acl} { path ${path} }`;
  const lines = [
    "global",
    "\tlog stdout format raw local0 info",
    "\tmaxconn 8192",
    "",
    "defaults",
    "\tmode http",
    "\tlog global",
    `\t${LOG_FORMAT}`,
    "\ttimeout connect 5s",
    "\ttimeout http-request 30s",
    // Long-polled /sync waits up to 30 s by default; initial syncs take longer.
    "\ttimeout client 180s",
    "\ttimeout server 180s",
    // Etherpad's socket.io and other upgraded connections.
    "\ttimeout tunnel 1h",
    "",
  ];
  if (o.dns) {
    lines.push(
      "resolvers kubedns",
      "\tparse-resolv-conf",
      "\thold valid 10s",
      "\taccepted_payload_size 8192",
      "",
    );
  }
  lines.push(
    "frontend http",
    `\tbind :${o.port}`,
    `\tmonitor-uri ${ROUTER_HEALTH_PATH}`,
    ...forwardedForLines(o.trustedProxies ?? []),
    "\thttp-request set-var(txn.host) req.hdr(host),field(1,:),lower",
    `\tacl on_domain var(txn.host) -m str ${hosts.domain}`,
    `\tacl on_homeserver var(txn.host) -m str ${[hosts.homeserverDomain, ...(hosts.internal ?? [])].join(" ")}`,
    `\tacl on_pad var(txn.host) -m str ${hosts.padDomain}`,
    `\tacl on_jitsi var(txn.host) -m str ${hosts.jitsiDomain}`,
    json("on_domain", "/.well-known/matrix/server", wellKnown.server),
    json("on_domain", "/.well-known/matrix/client", wellKnown.client),
    json("on_jitsi", "/.well-known/element/jitsi", wellKnown.jitsi),
    "\tacl synapse_admin path /_synapse/admin path_beg /_synapse/admin/",
    "\thttp-request return status 404 if on_homeserver synapse_admin",
    "\tacl matrix_paths path_beg /_matrix/ /_synapse/client/",
    // The SFU's webhook comes from inside the cluster; it is never public.
    "\thttp-request return status 404 if on_pad { path /atrium/rtc/webhook }",
    "\tuse_backend atrium-pad-pages if on_pad { path_beg /atrium/ }",
    ...etherpadAcl(o.etherpadPaths),
    "\tuse_backend etherpad if on_pad etherpad_public",
  );
  for (const pool of o.pools) {
    if (pool.paths.length === 0) continue;
    const name = ident(pool.name);
    for (const p of pool.paths) lines.push(`\tacl is_${name} path_reg ${p}`);
    lines.push(`\tuse_backend ${name} if on_homeserver is_${name} { nbsrv(${name}) gt 0 }`);
  }
  lines.push(
    "\tuse_backend synapse-main if on_homeserver matrix_paths",
    "\tdefault_backend not-found",
    "",
  );
  const synapseBackend = (name: string, balance: Balance, servers: RouterServers): string[] => [
    `backend ${name}`,
    ...balanceLines(balance),
    "\toption httpchk GET /health",
    ...serverLines(servers, synapseCheck, o.dns),
    "",
  ];
  lines.push(...synapseBackend("synapse-main", "roundrobin", o.synapseMain));
  for (const pool of o.pools) {
    if (pool.paths.length > 0)
      lines.push(...synapseBackend(ident(pool.name), pool.balance, pool.servers));
  }
  lines.push(
    "backend etherpad",
    "\toption httpchk GET /health",
    ...serverLines(o.etherpad, "check inter 10s", o.dns),
    "",
    "backend atrium-pad-pages",
    ...serverLines(o.appserviceWeb, "check inter 10s", o.dns),
    "",
    "backend not-found",
    '\thttp-request return status 404 content-type text/plain string "not found"',
    "",
  );
  return `${lines.join("\n")}\n`;
}
