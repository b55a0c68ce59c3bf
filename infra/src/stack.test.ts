import * as path from "node:path";
import { sourceHash } from "./source-hash";
import { parse } from "yaml";
import { pinnedImage } from "./config-schema";
import {
  isSecretInput,
  leaks,
  plain,
  runProgram,
  type CapturedResource,
} from "./test-support/mock-stack";
import { StackView } from "./test-support/stack-view";
import { summarize } from "./test-support/summary";
import { MINIMAL_CONFIG } from "./test-support/config";

const OPERATOR_TURN_SECRET = "operator-chosen-turn-secret-0123456789";

let resources: CapturedResource[];
let outputs: Record<string, unknown>;

beforeAll(async () => {
  ({ resources, outputs } = await runProgram(
    {
      ...MINIMAL_CONFIG,
      turnSharedSecret: OPERATOR_TURN_SECRET,
    },
    ["turnSharedSecret"],
  ));
}, 30000);

const view = (): StackView => new StackView(resources);
const ofType = (type: string): CapturedResource[] => view().ofType(type);
const containers = (): CapturedResource[] => view().containers();
const container = (name: string): CapturedResource => view().container(name);
const upload = (name: string, file: string): string => view().upload(name, file);
const env = (name: string, key: string): string | undefined => view().env(name, key);
const generatedSecrets = (): string[] => view().generatedSecrets();

it("prints the resource graph", () => {
  const text = summarize(resources);
  console.log(text);
  expect(text.split("\n").length).toBeGreaterThan(containers().length);
});

describe("exposure", () => {
  const relay = Array.from({ length: 41 }, (_, i) => `${49160 + i}/udp`);
  it.each([
    ["proxy", ["80/tcp", "443/tcp", "443/udp"]],
    ["turn", ["3478/udp", "3478/tcp", ...relay]],
    ["jitsi-jvb", ["10000/udp"]],
    ["postgres", []],
    ["postgres-roles", []],
    ["backup", []],
    ["synapse", []],
    ["jitsi-web", []],
    ["jitsi-prosody", []],
    ["jitsi-jicofo", []],
    ["etherpad", []],
    ["appservice", []],
    ["element-web", []],
    // ICE cannot go through the proxy; the websocket (7880) does.
    ["livekit", ["7881/tcp", "7882/udp"]],
  ])("%s publishes only its allowed ports", (name, expected) => {
    const ports = (plain(container(name).inputs.ports) ?? []) as {
      internal: number;
      external: number;
      protocol: string;
    }[];
    expect(ports.map((p) => `${p.external}/${p.protocol}`)).toEqual(expected);
    for (const p of ports) expect(p.internal).toBe(p.external);
  });

  it("covers every container in the table above", () => {
    expect(
      containers()
        .map((c) => c.name)
        .sort(),
    ).toEqual(
      [
        "proxy",
        "turn",
        "jitsi-jvb",
        "postgres",
        "postgres-roles",
        "backup",
        "synapse",
        "jitsi-web",
        "jitsi-prosody",
        "jitsi-jicofo",
        "etherpad",
        "appservice",
        "element-web",
        "livekit",
      ].sort(),
    );
  });

  it("puts every container on the private networks only", () => {
    for (const c of containers()) {
      const nets = (plain(c.inputs.networksAdvanced) as { name: string }[]).map((n) => n.name);
      expect(nets.length).toBeGreaterThan(0);
      for (const n of nets) expect(["atrium", "atrium-db"]).toContain(n);
      expect(c.inputs.networkMode).toBeUndefined();
      expect(c.inputs.publishAllPorts).toBeUndefined();
      expect(c.inputs.privileged).toBeUndefined();
    }
  });

  it("keeps Postgres on the internal network alone", () => {
    const nets = plain(container("postgres").inputs.networksAdvanced) as { name: string }[];
    expect(nets.map((n) => n.name)).toEqual(["atrium-db"]);
    const db = ofType("docker:index/network:Network").find((n) => n.inputs.name === "atrium-db");
    expect(db?.inputs.internal).toBe(true);
  });
});

describe("durability", () => {
  it.each([
    ["postgres", ["/var/lib/postgresql/data"]],
    ["synapse", ["/data"]],
    ["turn", ["/var/lib/coturn"]],
    ["jitsi-prosody", ["/config", "/var/lib/prosody"]],
    ["jitsi-jicofo", ["/config"]],
    ["jitsi-jvb", ["/config"]],
    ["jitsi-web", ["/config"]],
    ["etherpad", ["/opt/etherpad-lite/var"]],
    ["proxy", ["/data", "/config"]],
    ["appservice", ["/data"]],
    [
      "backup",
      [
        "/backups",
        "/sources/synapse-data",
        "/sources/prosody-data",
        "/sources/caddy-data",
        "/sources/appservice-data",
      ],
    ],
  ])("%s keeps its data in named volumes at %j", (name, paths) => {
    const volumes = plain(container(name).inputs.volumes) as {
      volumeName: string;
      containerPath: string;
      hostPath?: string;
    }[];
    expect(volumes.map((v) => v.containerPath)).toEqual(paths);
    for (const v of volumes) {
      expect(v.volumeName).toMatch(/^atrium-/);
      expect(v.hostPath).toBeUndefined();
    }
  });

  it("mounts every volume it creates", () => {
    const mounted = containers().flatMap((c) =>
      ((plain(c.inputs.volumes) ?? []) as { volumeName: string }[]).map((v) => v.volumeName),
    );
    for (const v of ofType("docker:index/volume:Volume")) expect(mounted).toContain(v.inputs.name);
  });

  it.each([
    "postgres",
    "synapse",
    "turn",
    "jitsi-web",
    "jitsi-prosody",
    "jitsi-jicofo",
    "jitsi-jvb",
    "etherpad",
    "appservice",
    "element-web",
    "proxy",
    "backup",
  ])("%s has a restart policy and a healthcheck", (name) => {
    const c = container(name).inputs;
    expect(c.restart).toBe("unless-stopped");
    const tests = (plain(c.healthcheck) as { tests: string[] }).tests;
    expect(["CMD", "CMD-SHELL"]).toContain(tests[0]);
    expect(tests.length).toBeGreaterThan(1);
  });
});

describe("images", () => {
  it("pins every pulled image to a tag that is not latest", () => {
    const images = ofType("docker:index/remoteImage:RemoteImage");
    expect(images.length).toBe(11);
    for (const image of images) expect(pinnedImage.safeParse(image.inputs.name).success).toBe(true);
  });

  it("builds the appservice from services/appservice/Dockerfile with the repository as context", () => {
    const [built] = ofType("docker:index/image:Image");
    const build = plain(built?.inputs.build) as { context: string; dockerfile: string };
    const root = path.resolve(__dirname, "..", "..");
    expect(build.context).toBe(root);
    expect(build.dockerfile).toBe(path.join(root, "services", "appservice", "Dockerfile"));
    expect(pinnedImage.safeParse(built?.inputs.imageName).success).toBe(true);
    // Tagged by the content of its sources, so a code change replaces the container.
    expect(built?.inputs.imageName).toBe(`atrium/appservice:${sourceHash(root)}`);
    expect(container("appservice").inputs.image).toBe(built?.inputs.imageName);
  });

  it("runs every other container from its pulled image", () => {
    const ids = ofType("docker:index/remoteImage:RemoteImage").map((r) => `sha256:${r.name}`);
    for (const c of containers().filter((x) => x.name !== "appservice"))
      expect(ids).toContain(c.inputs.image);
  });
});

describe("secrets", () => {
  it("detects a secret outside a wrapper (self-check of the detector)", () => {
    const probe = {
      envs: ["A=1", "B=x-Mock-secrets-probe"],
      ok: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: "Mock-secrets-probe",
      },
    };
    expect(leaks(probe, ["Mock-secrets-probe"], "probe")).toEqual(["probe.envs[1]"]);
  });

  it("generates every secret the operator did not set, 40 characters long", () => {
    const generated = ofType("random:index/randomPassword:RandomPassword");
    expect(generated.map((g) => g.name)).not.toContain("secrets-turnSharedSecret");
    expect(generated.length).toBe(17);
    for (const g of generated) expect(g.inputs.length).toBe(40);
  });

  it("never sends a secret to a resource unmarked", () => {
    const secrets = [...generatedSecrets(), OPERATOR_TURN_SECRET];
    const found = resources.flatMap((r) => leaks(r.inputs, secrets, `${r.type} ${r.name}`));
    expect(found).toEqual([]);
  });

  it("marks secret every rendered file that holds one", () => {
    for (const [name, file] of [
      ["synapse", "/config/homeserver.yaml"],
      ["synapse", "/config/atrium-registration.yaml"],
      ["turn", "/etc/coturn/turnserver.conf"],
      ["etherpad", "/opt/etherpad-lite/settings.json"],
      ["etherpad", "/opt/etherpad-lite/APIKEY.txt"],
      ["appservice", "/config/config.yaml"],
      ["appservice", "/config/registration.yaml"],
    ] as const) {
      const uploads = container(name).inputs.uploads as unknown[];
      const entry = (Array.isArray(uploads) ? uploads : [uploads]).find((u) =>
        JSON.stringify(plain(u)).includes(file),
      );
      expect([
        name,
        file,
        isSecretInput(uploads) || isSecretInput((entry as Record<string, unknown>)?.content),
      ]).toEqual([name, file, true]);
    }
  });

  it("has no empty or short password, secret or token in any environment", () => {
    for (const c of containers()) {
      for (const e of (plain(c.inputs.envs) ?? []) as string[]) {
        const [key = "", value = ""] = [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)];
        if (/PASSWORD|SECRET|TOKEN/.test(key))
          expect([c.name, key, value.length >= 32]).toEqual([c.name, key, true]);
      }
    }
  });
});

describe("shared secrets line up", () => {
  it("gives Synapse and the appservice the same registration and tokens", () => {
    const synapseSide = upload("synapse", "/config/atrium-registration.yaml");
    expect(upload("appservice", "/config/registration.yaml")).toBe(synapseSide);
    const reg = parse(synapseSide) as Record<string, unknown>;
    expect(reg.as_token).toMatch(/^Mock-secrets-asToken/);
    expect(reg.hs_token).toMatch(/^Mock-secrets-hsToken/);
    expect(reg.url).toBe("http://atrium-appservice:9000");
    const hs = parse(upload("synapse", "/config/homeserver.yaml")) as Record<string, unknown>;
    expect(hs.app_service_config_files).toEqual(["/config/atrium-registration.yaml"]);
  });

  it("gives Synapse and coturn the operator's TURN secret", () => {
    const hs = parse(upload("synapse", "/config/homeserver.yaml")) as Record<string, unknown>;
    expect(hs.turn_shared_secret).toBe(OPERATOR_TURN_SECRET);
    expect(upload("turn", "/etc/coturn/turnserver.conf")).toContain(
      `static-auth-secret=${OPERATOR_TURN_SECRET}\n`,
    );
  });

  it("gives prosody the appservice's verification token and URL", () => {
    const cfg = parse(upload("appservice", "/config/config.yaml")) as {
      jitsi: Record<string, unknown>;
    };
    expect(env("jitsi-prosody", "MATRIX_UVS_AUTH_TOKEN")).toBe(cfg.jitsi.verifyToken);
    expect(env("jitsi-prosody", "MATRIX_UVS_URL")).toBe("http://atrium-appservice:9001");
    expect(env("jitsi-prosody", "MATRIX_UVS_ISSUER")).toBe("meet.example.org");
    expect(env("jitsi-web", "START_WITH_AUDIO_MUTED")).toBe("true");
  });

  it("gives the appservice Etherpad's API key and Postgres the service passwords", () => {
    const cfg = parse(upload("appservice", "/config/config.yaml")) as {
      etherpad: { apiKey: string };
      database: { connectionString: string };
    };
    expect(upload("etherpad", "/opt/etherpad-lite/APIKEY.txt")).toBe(cfg.etherpad.apiKey);
    expect(cfg.database.connectionString).toBe(
      `postgres://atrium:${env("postgres", "ATRIUM_DB_PASSWORD")}@atrium-postgres:5432/atrium`,
    );
    const hs = parse(upload("synapse", "/config/homeserver.yaml")) as {
      database: { args: { password: string } };
    };
    expect(hs.database.args.password).toBe(env("postgres", "SYNAPSE_DB_PASSWORD"));
    const pad = JSON.parse(upload("etherpad", "/opt/etherpad-lite/settings.json")) as {
      dbSettings: { password: string };
    };
    expect(pad.dbSettings.password).toBe(env("postgres", "ETHERPAD_DB_PASSWORD"));
  });
});

describe("database passwords", () => {
  it("are set on every role by a one-shot job from the stack's secrets, after Postgres", () => {
    const job = plain(container("postgres-roles").inputs) as Record<string, unknown>;
    expect(job.restart).toBe("on-failure");
    expect(job.mustRun).toBe(false);
    expect(job.entrypoints).toEqual(["/bin/sh", "/atrium/set-role-passwords.sh"]);
    const script = upload("postgres-roles", "/atrium/set-role-passwords.sh");
    for (const role of ["synapse", "etherpad", "atrium"])
      expect(script).toContain(`ALTER ROLE ${role} WITH LOGIN PASSWORD :'pw';`);
    for (const key of ["SYNAPSE_DB_PASSWORD", "ETHERPAD_DB_PASSWORD", "ATRIUM_DB_PASSWORD"])
      expect(env("postgres-roles", key)).toBe(env("postgres", key));
    expect(env("postgres-roles", "PGPASSWORD")).toBe(env("postgres", "POSTGRES_PASSWORD"));
    expect(env("postgres-roles", "PGHOST")).toBe("atrium-postgres");
    // Replaced, and so run again, whenever the server container is.
    expect(env("postgres-roles", "ATRIUM_POSTGRES_CONTAINER")).toBe("postgres-id");
  });
});

describe("backups", () => {
  it("dump every database and archive the state volumes daily at 03:00 UTC, keeping 14", () => {
    const backup = upload("backup", "/atrium-backup/backup.sh");
    for (const db of ["synapse", "etherpad", "atrium"])
      expect(backup).toContain(`pg_dump --format=custom --dbname=${db} `);
    for (const v of ["synapse-data", "prosody-data", "caddy-data", "appservice-data"])
      expect(backup).toContain(`volumes/${v}.tar.gz`);
    expect(backup).toContain("excess=$((count - 14))");
    // The bot's crypto store goes in as the copy the appservice keeps consistent, and comes back
    // in the live file's place.
    expect(backup).toContain(
      'if [ -f /sources/appservice-data/e2ee/crypto.sqlite.snapshot ]; then set -- "$@" --exclude=./e2ee/crypto.sqlite ',
    );
    expect(upload("backup", "/atrium-backup/restore.sh")).toContain(
      "mv -f /sources/appservice-data/e2ee/crypto.sqlite.snapshot /sources/appservice-data/e2ee/crypto.sqlite",
    );
    expect(upload("backup", "/atrium-backup/schedule.sh")).toContain("(10800 - now + 86400)");
    expect(upload("backup", "/atrium-backup/restore.sh")).toContain(
      "pg_restore --exit-on-error --no-owner --role=synapse --dbname=synapse",
    );
    const volumes = plain(container("backup").inputs.volumes) as {
      volumeName: string;
      containerPath: string;
    }[];
    expect(volumes.map((v) => `${v.volumeName}:${v.containerPath}`)).toEqual([
      "atrium-backups:/backups",
      "atrium-synapse-data:/sources/synapse-data",
      "atrium-jitsi-prosody-data:/sources/prosody-data",
      "atrium-caddy-data:/sources/caddy-data",
      "atrium-appservice-data:/sources/appservice-data",
    ]);
  });

  it("reach Postgres with the superuser password, on the database network only", () => {
    expect(env("backup", "PGPASSWORD")).toBe(env("postgres", "POSTGRES_PASSWORD"));
    const nets = plain(container("backup").inputs.networksAdvanced) as { name: string }[];
    expect(nets.map((n) => n.name)).toEqual(["atrium-db"]);
    expect(containers().some((c) => c.name === "backup-offsite")).toBe(false);
  });

  it("export the command that makes one now", () => {
    expect(outputs.backupCommand).toBe("docker exec atrium-backup sh /atrium-backup/backup.sh");
  });
});

describe("Jitsi follows its image release (stable-11248: rootless, nginx on 8000)", () => {
  it("has Caddy and the healthcheck use the web port of the pinned release", () => {
    expect(upload("proxy", "/etc/caddy/Caddyfile")).toContain(
      "reverse_proxy atrium-jitsi-web:8000",
    );
    const tests = (plain(container("jitsi-web").inputs.healthcheck) as { tests: string[] }).tests;
    expect(tests.join(" ")).toContain("http://127.0.0.1:8000/");
  });

  it.each([
    ["jitsi-web", "16M"],
    ["jitsi-prosody", "16M"],
    ["jitsi-jicofo", "32M"],
    ["jitsi-jvb", "32M"],
  ])("runs %s read-only with a writable tmpfs on /run (%s) and /tmp", (name, size) => {
    const c = plain(container(name).inputs) as {
      readOnly?: boolean;
      tmpfs?: Record<string, string>;
    };
    expect(c.readOnly).toBe(true);
    expect(c.tmpfs).toEqual({
      "/run": `size=${size},mode=1750,exec`,
      "/tmp": "size=16M,mode=1777,noexec",
    });
  });

  it("pulls the four Jitsi images from ghcr.io, one stable", () => {
    const refs = ofType("docker:index/remoteImage:RemoteImage")
      .map((r) => String(r.inputs.name))
      .filter((n) => n.includes("/jitsi/"));
    expect(refs).toHaveLength(4);
    for (const ref of refs) expect(ref).toMatch(/^ghcr\.io\/jitsi\/[a-z]+:stable-11248$/);
  });

  it("gives prosody coturn as TURN server, UDP and TCP, with coturn's shared secret", () => {
    expect(env("jitsi-prosody", "TURN_HOST")).toBe("turn.example.org");
    expect(env("jitsi-prosody", "TURN_PORT")).toBe("3478");
    expect(env("jitsi-prosody", "TURN_TRANSPORT")).toBe("udp,tcp");
    expect(env("jitsi-prosody", "TURN_CREDENTIALS")).toBe(OPERATOR_TURN_SECRET);
  });

  it("sets no setting the images ignore", () => {
    for (const name of ["jitsi-prosody", "jitsi-jicofo", "jitsi-jvb", "jitsi-web"])
      expect(env(name, "JICOFO_COMPONENT_SECRET")).toBeUndefined();
    expect(env("etherpad", "NODE_ENV")).toBeUndefined();
    expect(env("etherpad", "TRUST_PROXY")).toBeUndefined();
  });
});

describe("the integration manager", () => {
  it("runs in the appservice on 9002, public at https://im.<domain>", () => {
    const cfg = parse(upload("appservice", "/config/config.yaml")) as Record<string, unknown>;
    expect(cfg.integrationManager).toEqual({
      port: 9002,
      bindAddress: "0.0.0.0",
      publicUrl: "https://im.example.org",
    });
    expect((cfg.web as { publicUrl: string }).publicUrl).toBe("https://pad.example.org");
  });

  it("has its own Caddy site proxying every path to the appservice's 9002", () => {
    const caddyfile = upload("proxy", "/etc/caddy/Caddyfile");
    expect(caddyfile).toContain(
      "im.example.org {\n\thandle {\n\t\treverse_proxy atrium-appservice:9002\n\t}\n}",
    );
  });

  it("is Element's integration manager, whose Edit covers Atrium's widget pages", () => {
    const element = JSON.parse(upload("element-web", "/app/config.json")) as Record<
      string,
      unknown
    >;
    expect(element.integrations_ui_url).toBe("https://im.example.org/element");
    expect(element.integrations_rest_url).toBe("https://im.example.org/api");
    expect(element.integrations_widgets_urls).toEqual([
      "https://pad.example.org/atrium/pad",
      "https://pad.example.org/atrium/conference",
      "https://im.example.org/api",
    ]);
  });

  it("is announced in /.well-known/matrix/client (MSC1957)", () => {
    const caddyfile = upload("proxy", "/etc/caddy/Caddyfile");
    expect(caddyfile).toContain(
      '"m.integrations":{"managers":[{"api_url":"https://im.example.org/api","ui_url":"https://im.example.org/element"}]}',
    );
  });
});

describe("what clients discover", () => {
  it("has the proxy serve the well-known documents Element reads", () => {
    const caddyfile = upload("proxy", "/etc/caddy/Caddyfile");
    expect(caddyfile).toContain('{"auth":"openidtoken-jwt"}');
    expect(caddyfile).toContain('"im.vector.riot.jitsi":{"preferredDomain":"meet.example.org"}');
    expect(caddyfile).toContain('{"m.server":"example.org:443"}');
    expect(caddyfile).toContain("email admin@example.org");
  });

  it("points Element Web at the homeserver and the Jitsi domain", () => {
    const element = JSON.parse(upload("element-web", "/app/config.json")) as Record<
      string,
      Record<string, unknown>
    >;
    expect(element.jitsi).toEqual({ preferred_domain: "meet.example.org" });
    expect(element.default_server_config).toEqual({
      "m.homeserver": { base_url: "https://example.org", server_name: "example.org" },
    });
  });
});

it("exports the public URLs and the admin command", () => {
  expect(outputs.urls).toEqual({
    element: "https://element.example.org",
    homeserver: "https://example.org",
    jitsi: "https://meet.example.org",
    pads: "https://pad.example.org",
    integrationManager: "https://im.example.org",
  });
  expect(outputs.createAdminCommand).toContain(
    "register_new_matrix_user -c /config/homeserver.yaml",
  );
});
