/**
 * Thrown when a caller passes options no correct program or configuration would (a URL where
 * a host name belongs, a short JWT secret). The message names the option and the fix.
 */
export class JitsiInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JitsiInputError";
  }
}
