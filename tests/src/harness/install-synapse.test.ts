import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureSynapseInstalled, synapseVenvDir } from "./install-synapse";

describe("ensureSynapseInstalled without a usable python3", () => {
  const saved = { cache: process.env.XDG_CACHE_HOME, python: process.env.ATRIUM_PYTHON };
  let cache: string;

  beforeEach(async () => {
    cache = await fs.mkdtemp(path.join(os.tmpdir(), "atrium-nopython-"));
    process.env.XDG_CACHE_HOME = cache;
  });
  afterEach(async () => {
    for (const [key, value] of [
      ["XDG_CACHE_HOME", saved.cache],
      ["ATRIUM_PYTHON", saved.python],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await fs.rm(cache, { recursive: true, force: true });
  });

  it.each([
    ["a missing interpreter", "/nonexistent/python3", /"\/nonexistent\/python3" was not found/],
    ["a program that is not python", "false", /"false" has no venv\/ensurepip/],
  ])("fails in one line for %s and installs nothing", async (_label, python, reason) => {
    process.env.ATRIUM_PYTHON = python;
    const error = (await ensureSynapseInstalled().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/apt-get install -y python3 python3-venv/);
    expect(error.message).not.toContain("\n");
    expect(await fs.readdir(path.dirname(synapseVenvDir()))).toEqual([]);
  });
});
