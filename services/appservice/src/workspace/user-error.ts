/** An error whose `humanMessage` is safe and useful to show in the room. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly humanMessage: string,
    readonly outcome: "refused" | "failed" = "refused",
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}
