/** Test users, created through Synapse's shared-secret registration admin API. */
import { createHmac, randomBytes } from "node:crypto";
import { MatrixClient } from "./matrix-client";
import { MatrixError } from "./matrix-error";
import { matrixFetch } from "./matrix-http";

/** The parts of a homeserver handle that registration needs. */
export interface RegistrationTarget {
  url: string;
  registrationSharedSecret: string;
}

/** What to register. */
export interface NewUser {
  /** Localpart, e.g. `alice`. */
  username: string;
  /** Default: random. */
  password?: string;
  admin?: boolean;
  displayname?: string;
}

/** A registered (or logged-in) user. */
export interface RegisteredUser {
  userId: string;
  accessToken: string;
  password: string;
  deviceId: string;
}

/**
 * The `mac` of a shared-secret registration: hex HMAC-SHA1, keyed by the shared secret, over
 * `nonce \0 username \0 password \0 admin|notadmin`.
 */
export function registrationMac(
  secret: string,
  nonce: string,
  username: string,
  password: string,
  admin: boolean,
): string {
  return createHmac("sha1", secret)
    .update([nonce, username, password, admin ? "admin" : "notadmin"].join("\0"))
    .digest("hex");
}

/** Registers a user with the shared secret (`/_synapse/admin/v1/register`). */
export async function registerUser(hs: RegistrationTarget, user: NewUser): Promise<RegisteredUser> {
  const password = user.password ?? randomBytes(12).toString("hex");
  const path = "/_synapse/admin/v1/register";
  const { nonce } = await matrixFetch<{ nonce: string }>(hs.url, { method: "GET", path });
  const admin = user.admin ?? false;
  const res = await matrixFetch<{ user_id: string; access_token: string; device_id: string }>(
    hs.url,
    {
      method: "POST",
      path,
      body: {
        nonce,
        username: user.username,
        password,
        admin,
        displayname: user.displayname,
        mac: registrationMac(hs.registrationSharedSecret, nonce, user.username, password, admin),
      },
    },
  );
  return { userId: res.user_id, accessToken: res.access_token, password, deviceId: res.device_id };
}

/** Logs a user in with a password (a new device). */
export async function loginUser(
  baseUrl: string,
  username: string,
  password: string,
): Promise<RegisteredUser> {
  const res = await matrixFetch<{ user_id: string; access_token: string; device_id: string }>(
    baseUrl,
    {
      method: "POST",
      path: "/_matrix/client/v3/login",
      body: {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: username },
        password,
      },
    },
  );
  return { userId: res.user_id, accessToken: res.access_token, password, deviceId: res.device_id };
}

/**
 * Registers the user, or logs in when the name is taken (a restarted `pnpm dev` keeps its data);
 * `password` is required so the second run can log in.
 */
export async function ensureUser(
  hs: RegistrationTarget,
  user: NewUser & { password: string },
): Promise<RegisteredUser> {
  try {
    return await registerUser(hs, user);
  } catch (err: unknown) {
    if (err instanceof MatrixError && err.errcode === "M_USER_IN_USE") {
      return loginUser(hs.url, user.username, user.password);
    }
    throw err;
  }
}

/** A {@link MatrixClient} acting as a registered user. */
export function clientFor(baseUrl: string, user: RegisteredUser): MatrixClient {
  return new MatrixClient({ baseUrl, accessToken: user.accessToken, userId: user.userId });
}
