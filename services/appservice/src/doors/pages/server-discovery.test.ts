import { discoveryResolver, privateTargetReason } from "./server-discovery";

const dns: Record<string, string[]> = {
  "matrix.partner.org": ["203.0.114.7"],
  "inside.partner.org": ["10.1.2.3"],
  "mixed.partner.org": ["203.0.114.8", "fd00::1"],
};
const lookupAll = async (host: string) => dns[host] ?? [];

describe("server discovery refuses delegation into private networks", () => {
  it.each([
    ["https://127.0.0.1:8448", /loopback/],
    ["https://[::1]:8448", /loopback/],
    ["https://169.254.169.254", /link-local/],
    ["https://192.168.1.10:8448", /private/],
    ["https://localhost:8448", /this machine/],
    ["https://inside.partner.org:8448", /10\.1\.2\.3, a private-network address/],
    ["https://mixed.partner.org", /fd00::1/],
  ])("%s is refused", async (target, why) => {
    const resolve = discoveryResolver({ discover: async () => new URL(target), lookupAll });
    await expect(resolve("partner.org")).rejects.toMatchObject({
      status: 502,
      humanMessage: expect.stringMatching(why),
    });
  });

  it("accepts a public target", async () => {
    const resolve = discoveryResolver({
      discover: async () => new URL("https://matrix.partner.org:443"),
      lookupAll,
    });
    await expect(resolve("partner.org")).resolves.toBe("https://matrix.partner.org");
  });

  it("accepts a private target when the operator allows it", async () => {
    const resolve = discoveryResolver({
      discover: async () => new URL("https://10.0.0.5:8448"),
      lookupAll,
      allowPrivate: true,
    });
    await expect(resolve("partner.org")).resolves.toBe("https://10.0.0.5:8448");
  });

  it("names the address it refused", async () => {
    expect(await privateTargetReason(new URL("https://[::ffff:127.0.0.1]/"), lookupAll)).toMatch(
      /127\.0\.0\.1/,
    );
  });
});
