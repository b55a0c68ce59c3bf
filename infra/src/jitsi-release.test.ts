import { jitsiRelease } from "./jitsi-release";

describe("jitsiRelease", () => {
  it.each([
    ["jitsi/web:stable-10314", 10314, 80, false],
    ["jitsi/web:stable-10741-1", 10741, 80, false],
    ["ghcr.io/jitsi/web:stable-11146", 11146, 8000, true],
    ["ghcr.io/jitsi/web:stable-11248", 11248, 8000, true],
    ["registry.example.org/jitsi/web:stable-12001-2", 12001, 8000, true],
  ])("%s: build %i, nginx on %i, rootless %s", (image, build, webPort, rootless) => {
    expect(jitsiRelease(image)).toEqual({ build, webPort, rootless });
  });

  it.each([
    "ghcr.io/jitsi/web:unstable",
    "ghcr.io/jitsi/web:stable",
    `ghcr.io/jitsi/web@sha256:${"a".repeat(64)}`,
  ])("refuses %s, whose web port cannot be known", (image) => {
    expect(() => jitsiRelease(image)).toThrow(/needs a stable-<build> tag/);
  });
});
