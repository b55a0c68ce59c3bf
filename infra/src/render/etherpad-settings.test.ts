import { renderEtherpadSettings } from "./etherpad-settings";

describe("renderEtherpadSettings", () => {
  const settings = JSON.parse(
    renderEtherpadSettings({
      ip: "0.0.0.0",
      port: 9001,
      database: {
        type: "postgres",
        host: "atrium-postgres",
        port: 5432,
        database: "etherpad",
        user: "etherpad",
        password: "db-password-0123456789",
      },
      adminPassword: "admin-password-0123456789",
      trustProxy: true,
    }),
  ) as Record<string, unknown>;

  it.each([
    ["authenticationMethod", "apikey"],
    ["requireSession", true],
    ["editOnly", true],
    ["trustProxy", true],
    ["dbType", "postgres"],
    [
      "dbSettings",
      {
        host: "atrium-postgres",
        port: 5432,
        database: "etherpad",
        user: "etherpad",
        password: "db-password-0123456789",
      },
    ],
    ["users", { admin: { password: "admin-password-0123456789", is_admin: true } }],
  ])("sets %s", (key, value) => {
    expect(settings[key]).toEqual(value);
  });
});
