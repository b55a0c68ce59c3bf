import { registrationMac } from "./users";

describe("registrationMac", () => {
  // Expected values computed independently with Python:
  // hmac.new(b"secret", b"abc\0alice\0pw\0" + word, hashlib.sha1).hexdigest()
  it.each([
    [false, "42e32623fe124933c326f9d2d67ff7c617915a10"],
    [true, "dc5ed98b283077684552e3f72d67f26b3366bf58"],
  ])("signs nonce, username, password and admin=%s", (admin, expected) => {
    expect(registrationMac("secret", "abc", "alice", "pw", admin)).toBe(expected);
  });
});
