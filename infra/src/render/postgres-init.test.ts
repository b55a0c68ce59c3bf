import { renderPostgresInitScript } from "./postgres-init";

describe("renderPostgresInitScript", () => {
  it.each([
    ["database name", { name: "Synapse", owner: "synapse", passwordEnv: "PW", cCollation: true }],
    ["owner", { name: "synapse", owner: "syn apse", passwordEnv: "PW", cCollation: true }],
    [
      "password variable",
      { name: "synapse", owner: "synapse", passwordEnv: "pw;rm", cCollation: true },
    ],
  ])("refuses a bad %s", (what, db) => {
    expect(() => renderPostgresInitScript([db])).toThrow(
      what === "password variable" ? /environment variable/ : new RegExp(what),
    );
  });

  it("never writes a password into the script", () => {
    const script = renderPostgresInitScript([
      { name: "synapse", owner: "synapse", passwordEnv: "SYNAPSE_DB_PASSWORD", cCollation: true },
    ]);
    expect(script).toContain('-v pw="$SYNAPSE_DB_PASSWORD"');
    expect(script).toContain("<<'SQL'");
  });
});
