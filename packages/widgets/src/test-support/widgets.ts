/** Widget fixtures shared by the builders' and the parser's tests (unit tests only). */

/** A pad widget's builder input as Atrium makes it; the name is padded to check it is trimmed. */
export const PAD_INPUT = {
  id: "atrium_pad_abc",
  creatorUserId: "@atrium:example.org",
  name: "  Minutes  ",
  url: "https://atrium.example.org/widgets/pad?room=$matrix_room_id&widget=$matrix_widget_id",
};
