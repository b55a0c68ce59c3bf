import { parseCookie } from "cookie";
import { RECHECK_MS, WORKSPACE_COOKIE, WorkspaceSessions } from "./sessions";
import type { WorkspaceSessionTable } from "./store";

function memoryStore() {
  const rows = new Map<string, WorkspaceSessionTable>();
  return {
    rows,
    addSession: async (r: WorkspaceSessionTable) => void rows.set(r.id_hash, { ...r }),
    session: async (h: string) => rows.get(h),
    markChecked: async (h: string, at: number) => {
      const r = rows.get(h);
      if (r) r.checked_at = at;
    },
    deleteSession: async (h: string) => void rows.delete(h),
    deleteSessionsOf: async (u: string) => {
      let n = 0;
      for (const [h, r] of rows) if (r.user_id === u && rows.delete(h)) n++;
      return n;
    },
  };
}

describe("workspace sessions", () => {
  let now = 0;
  let here = true;
  const store = memoryStore();
  const sessions = new WorkspaceSessions({
    store,
    maxAgeSeconds: 3600,
    https: true,
    stillHere: async () => here,
    now: () => now,
  });
  const cookieOf = (setCookie: string) =>
    `${WORKSPACE_COOKIE}=${parseCookie(setCookie)[WORKSPACE_COOKIE] ?? ""}`;

  it("sets an HttpOnly, Secure, SameSite=Lax cookie and keeps only a hash", async () => {
    const set = await sessions.create("@a:x");
    expect(set).toMatch(/; Max-Age=3600; Path=\/atrium; HttpOnly; Secure; SameSite=Lax$/);
    const id = parseCookie(set)[WORKSPACE_COOKIE] ?? "";
    expect([...store.rows.keys()]).not.toContain(id);
    expect(await sessions.resolve(cookieOf(set))).toMatchObject({ userId: "@a:x" });
  });

  it("ends when it expires, on sign-out, and when the person shares no room any more", async () => {
    const a = cookieOf(await sessions.create("@a:x"));
    expect(await sessions.end(a)).toMatch(/^atrium_workspace=; Max-Age=0/);
    expect(await sessions.resolve(a)).toBeNull();
    const b = cookieOf(await sessions.create("@b:x"));
    now += RECHECK_MS;
    here = false;
    expect(await sessions.resolve(b)).toBeNull();
    here = true;
    const c = cookieOf(await sessions.create("@c:x"));
    now += 3600_000;
    expect(await sessions.resolve(c)).toBeNull();
  });

  it("ignores cookies that are not session ids", async () => {
    expect(await sessions.resolve(`${WORKSPACE_COOKIE}=../../etc`)).toBeNull();
    expect(await sessions.resolve(undefined)).toBeNull();
  });
});
