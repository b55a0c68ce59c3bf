/**
 * What people without the power to manage feeds see of a feed's URL. A feed URL can carry a
 * secret (`?token=…`, a private feed's key, credentials in the authority), and room messages
 * are read by every member; so query values and credentials are shown as "…". Parameter names
 * and the path stay, so a member can still tell two feeds apart. (A secret in the path itself
 * cannot be told from a normal path and is shown.)
 */

/** `url` with its credentials and every query value replaced by "…"; unparsable input too. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "…";
  }
  const auth = parsed.username || parsed.password ? "…@" : "";
  const query = parsed.search
    ? "?" +
      parsed.search
        .slice(1)
        .split("&")
        .map((pair) => {
          const eq = pair.indexOf("=");
          return eq < 0 ? pair : `${pair.slice(0, eq)}=…`;
        })
        .join("&")
    : "";
  return `${parsed.protocol}//${auth}${parsed.host}${parsed.pathname}${query}`;
}
