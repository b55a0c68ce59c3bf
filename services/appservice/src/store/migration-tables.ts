/**
 * How migrations declare tables: one line per column in the words of SQL (`"text not null"`),
 * so a table reads like its `CREATE TABLE` and the Kysely builder calls are written once, here.
 * The words are checked by the compiler ({@link Column}) and each maps to the builder call the
 * migrations made by hand before, so a migration runs the same SQL on SQLite and PostgreSQL.
 *
 * Migrations are history: what an applied migration creates never changes. A new column or
 * table is a new migration; a change to this module must leave every migration's SQL as it is.
 */
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/** The engines the store runs on (store.ts). */
export type Dialect = "sqlite" | "postgres";

type DataType = "text" | "bigint" | "integer" | "bigserial";

/** A column's type and constraints, in SQL words. */
export type Column =
  | DataType
  | `${DataType} not null`
  | `${DataType} not null unique`
  | `${DataType} not null default ${number}`
  | `${DataType} not null default '${string}'`
  | `${DataType} primary key`
  | `${DataType} primary key autoincrement`;

/** Columns in the order the table has them. */
export type Columns = Readonly<Record<string, Column>>;

/** Tables by name, created in the order they are listed. */
export type Tables = Readonly<Record<string, TableSpec>>;

/** What a migration says about one table. */
export interface TableSpec {
  columns: Columns;
  /** A primary key over several columns, the constraint named `<table>_pk`. */
  primaryKey?: readonly string[];
  /** Unique constraints, by constraint name. */
  unique?: Readonly<Record<string, readonly string[]>>;
  /** Indexes created right after the table, by index name. */
  indexes?: Readonly<Record<string, string | readonly string[]>>;
}

/** The auto-numbered key: a sequence on PostgreSQL, SQLite's rowid alias on SQLite. */
export function autoId(dialect: Dialect): Column {
  return dialect === "postgres" ? "bigserial primary key" : "integer primary key autoincrement";
}

/** The builder calls that give a column its constraints (the words after its type). */
function constraints(words: string): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (c) => {
    const defaultValue = /default (.+)$/.exec(words)?.[1];
    if (words.includes("primary key")) c = c.primaryKey();
    if (words.includes("autoincrement")) c = c.autoIncrement();
    if (words.includes("not null")) c = c.notNull();
    if (words.includes("unique")) c = c.unique();
    if (defaultValue !== undefined) {
      const quoted = /^'(.*)'$/.exec(defaultValue);
      c = c.defaultTo(quoted ? quoted[1] : Number(defaultValue));
    }
    return c;
  };
}

/** Creates each table, then its indexes, in the order `tables` lists them. */
export async function createTables(db: Kysely<unknown>, tables: Tables): Promise<void> {
  for (const [name, spec] of Object.entries(tables)) await createTable(db, name, spec);
}

/** A migration that creates `tables` and does nothing else. */
export function tablesMigration(tables: Tables): Migration {
  return { up: (db: Kysely<unknown>) => createTables(db, tables) };
}

async function createTable(db: Kysely<unknown>, name: string, spec: TableSpec): Promise<void> {
  let table: CreateTableBuilder<string, string> = db.schema.createTable(name);
  for (const [column, definition] of Object.entries(spec.columns)) {
    const [type, ...words] = definition.split(" ") as [DataType, ...string[]];
    table =
      words.length === 0
        ? table.addColumn(column, type)
        : table.addColumn(column, type, constraints(words.join(" ")));
  }
  if (spec.primaryKey) table = table.addPrimaryKeyConstraint(`${name}_pk`, [...spec.primaryKey]);
  for (const [constraint, columns] of Object.entries(spec.unique ?? {})) {
    table = table.addUniqueConstraint(constraint, [...columns]);
  }
  await table.execute();
  for (const [index, columns] of Object.entries(spec.indexes ?? {})) {
    await db.schema
      .createIndex(index)
      .on(name)
      .columns(typeof columns === "string" ? [columns] : [...columns])
      .execute();
  }
}
