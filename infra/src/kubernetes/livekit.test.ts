/**
 * `atrium:calls` on the Kubernetes target (default `both`): the SFU's workload, Service,
 * Secret, Ingress route and NetworkPolicies, and the appservice's calls section, in one
 * mocked program run.
 */
import { parse } from "yaml";
import { isSecretInput, runProgram, type CapturedResource } from "../test-support/mock-stack";
import { KubeView } from "../test-support/kube-view";
import { MINIMAL_CONFIG } from "../test-support/config";

let resources: CapturedResource[];
let outputs: Record<string, unknown>;
let kube: KubeView;

beforeAll(async () => {
  ({ resources, outputs } = await runProgram({
    ...MINIMAL_CONFIG,
    target: "kubernetes",
    kubernetes: JSON.stringify({
      appserviceImage: "registry.example.org/atrium/appservice:1.0.0",
      postgres: "cluster",
    }),
  }));
  kube = new KubeView(resources);
}, 60000);

const livekitYaml = (): Record<string, unknown> =>
  parse(kube.get("Secret", "atrium-livekit").stringData?.["livekit.yaml"] ?? "") as Record<
    string,
    unknown
  >;

describe("the LiveKit SFU on Kubernetes", () => {
  it("runs one pod on the node labelled for it, ICE on that node's ports, Recreate", () => {
    const sfu = kube.get("Deployment", "atrium-livekit");
    expect(sfu.spec?.replicas).toBe(1);
    expect(sfu.spec?.strategy).toEqual({ type: "Recreate" });
    const pod = kube.podSpec("Deployment", "atrium-livekit");
    expect(pod.nodeSelector).toEqual({ "atrium.dev/sfu": "true" });
    expect(pod.hostNetwork).toBeUndefined();
    const [container] = pod.containers;
    expect(container.image).toBe("livekit/livekit-server:v1.13.5");
    expect(container.ports).toEqual([
      { name: "http", containerPort: 7880, protocol: "TCP" },
      { name: "rtc-tcp", containerPort: 7881, hostPort: 7881, protocol: "TCP" },
      { name: "rtc-udp", containerPort: 7882, hostPort: 7882, protocol: "UDP" },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/", port: "http" });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
  });

  it("advertises the node's own address (NODE_IP from status.hostIP), never STUN's answer", () => {
    const [container] = kube.podSpec("Deployment", "atrium-livekit").containers;
    expect(container.env).toEqual([
      { name: "NODE_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
    ]);
    const rtc = livekitYaml().rtc as Record<string, unknown>;
    expect(rtc.use_external_ip).toBe(false);
    expect(rtc.node_ip).toBeUndefined();
  });

  it("keeps its config, with the API secret, in a Secret only", () => {
    const secret = resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === "livekit-config",
    );
    expect(isSecretInput(secret?.inputs.stringData)).toBe(true);
    expect(livekitYaml().room).toEqual({ auto_create: false });
    const keys = livekitYaml().keys as Record<string, string>;
    const appservice = parse(
      kube.get("Secret", "atrium-appservice").stringData?.["config.yaml"] ?? "",
    ) as { calls: { livekit: Record<string, string> } };
    expect(appservice.calls.livekit).toEqual({
      url: "wss://sfu.example.org",
      apiUrl: "http://atrium-livekit:7880",
      apiKey: "atrium",
      apiSecret: keys.atrium,
    });
    for (const map of kube.objects("ConfigMap"))
      expect(JSON.stringify(map.data ?? {})).not.toContain(keys.atrium ?? "?");
  });

  it("routes only the signalling websocket of sfu.<domain> to its Service", () => {
    const rules = kube.get("Ingress", "atrium").spec?.rules as {
      host: string;
      http: { paths: { path: string; backend: unknown }[] };
    }[];
    const sfu = rules.find((r) => r.host === "sfu.example.org");
    expect(sfu?.http.paths).toEqual([
      {
        path: "/rtc",
        pathType: "Prefix",
        backend: { service: { name: "atrium-livekit", port: { number: 7880 } } },
      },
    ]);
    expect(kube.get("Service", "atrium-livekit").spec?.ports).toEqual([
      { name: "http", port: 7880, targetPort: 7880, protocol: "TCP" },
    ]);
  });

  it("lets in the ingress and the appservice on 7880, anyone on ICE, and its webhooks out", () => {
    const rule = (name: string) =>
      kube.get("NetworkPolicy", `atrium-allow-${name}`).spec?.ingress[0];
    expect(rule("livekit-http").from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "atrium-appservice" } } },
    ]);
    expect(rule("livekit-media")).toEqual({
      from: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
      ports: [
        { port: 7881, protocol: "TCP" },
        { port: 7882, protocol: "UDP" },
      ],
    });
    expect(rule("appservice-web").from).toContainEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "atrium-livekit" } },
    });
    const egress = kube.get("NetworkPolicy", "atrium-egress-atrium-livekit").spec?.egress as {
      ports: { port?: number; protocol: string }[];
    }[];
    expect(egress.flatMap((e) => e.ports)).toEqual(
      expect.arrayContaining([{ port: 9001, protocol: "TCP" }, { protocol: "UDP" }]),
    );
  });

  it("has the router serve the focus in .well-known and keep the webhook private", () => {
    const cfg = kube.get("ConfigMap", "atrium-router").data?.["haproxy.cfg"] ?? "";
    expect(cfg).toContain("org.matrix.msc4143.rtc_foci");
    expect(cfg).toContain("https://pad.example.org/atrium/rtc");
    expect(cfg).toContain("return status 404 if on_pad { path /atrium/rtc/webhook }");
  });

  it("names the SFU's ports among those to open", () => {
    expect(outputs.publicPorts).toContain(
      "7881/tcp and 7882/udp on the node labelled atrium.dev/sfu=true (the SFU)",
    );
  });
});
