/**
 * The widgets Atrium placed (`widgets`), archived rather than forgotten when removed.
 * Moved from store.ts (issue 24).
 */
import type { Kysely } from "kysely";
import type { Database, WidgetTable } from "./schema";

/** A widget Atrium placed, as stored. */
export type WidgetRow = WidgetTable;

type Column = Exclude<keyof WidgetRow, "room_id" | "widget_id">;

/** What placing a widget again changes: where it points, and it is no longer archived. */
const PLACED_AGAIN: readonly Column[] = [
  "name",
  "url",
  "pad_id",
  "conference_id",
  "archived_at",
  "archived_by",
];

/** Inserts `row`, or sets the `update` columns of the widget with its key to `row`'s values. */
async function upsert(
  db: Kysely<Database>,
  row: WidgetRow,
  update: readonly Column[],
): Promise<void> {
  await db
    .insertInto("widgets")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["room_id", "widget_id"])
        .doUpdateSet(Object.fromEntries(update.map((column) => [column, row[column]]))),
    )
    .execute();
}

/** A widget's row: widget ids are unique within their room only. */
function widgetKey(roomId: string, widgetId: string) {
  return { room_id: roomId, widget_id: widgetId };
}

/** Stores a placed widget, or updates it (and un-archives it) when it is placed again. */
export async function saveWidget(
  db: Kysely<Database>,
  row: Omit<WidgetTable, "archived_at" | "archived_by">,
): Promise<void> {
  await upsert(db, { ...row, archived_at: null, archived_by: null }, PLACED_AGAIN);
}

/** Puts a row back exactly as it was (undoing a save whose state write failed). */
export async function restoreWidget(db: Kysely<Database>, row: WidgetRow): Promise<void> {
  await upsert(db, row, ["kind", "creator", "created_at", ...PLACED_AGAIN]);
}

/** Deletes the row of a widget. */
export async function deleteWidget(
  db: Kysely<Database>,
  roomId: string,
  widgetId: string,
): Promise<void> {
  await db
    .deleteFrom("widgets")
    .where((eb) => eb.and(widgetKey(roomId, widgetId)))
    .execute();
}

/** The room's widgets in the order they were placed; archived ones only with `includeArchived`. */
export async function widgetsInRoom(
  db: Kysely<Database>,
  roomId: string,
  includeArchived = false,
): Promise<WidgetRow[]> {
  let q = db.selectFrom("widgets").selectAll().where("room_id", "=", roomId);
  if (!includeArchived) q = q.where("archived_at", "is", null);
  return q.orderBy("created_at").execute();
}

/** One widget of the room, archived or not. */
export async function widget(
  db: Kysely<Database>,
  roomId: string,
  widgetId: string,
): Promise<WidgetRow | undefined> {
  return db
    .selectFrom("widgets")
    .selectAll()
    .where((eb) => eb.and(widgetKey(roomId, widgetId)))
    .executeTakeFirst();
}

/** Marks a widget removed by `by`; a widget already archived keeps its first mark. */
export async function archiveWidget(
  db: Kysely<Database>,
  roomId: string,
  widgetId: string,
  by: string,
): Promise<void> {
  await db
    .updateTable("widgets")
    .set({ archived_at: Date.now(), archived_by: by })
    .where((eb) => eb.and(widgetKey(roomId, widgetId)))
    .where("archived_at", "is", null)
    .execute();
}
