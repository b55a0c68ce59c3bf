/**
 * A refusal any door answers with (the pages, the IM, calls), and the membership check raises:
 * an HTTP status, a Matrix-style errcode and a message written for the person in front of the
 * widget (the pages show it as it is). Never carries a token.
 */
export class AccessError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    readonly humanMessage: string,
  ) {
    super(`${errcode}: ${humanMessage}`);
    this.name = "AccessError";
  }

  /** The JSON body the routes answer with. */
  toJSON(): { errcode: string; error: string } {
    return { errcode: this.errcode, error: this.humanMessage };
  }
}

/** 400: a field of the request is missing or malformed. */
export function badRequest(message: string): AccessError {
  return new AccessError(400, "M_BAD_JSON", message);
}
