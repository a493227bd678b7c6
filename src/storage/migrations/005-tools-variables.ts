import type { Kysely } from 'kysely';

/** Custom tools and variables (Flowise's Tool and Variable entities, without workspaces). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tool')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('iconSrc', 'text')
    .addColumn('schema', 'text')
    .addColumn('func', 'text')
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('variable')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('static'))
    .addColumn('createdDate', 'text', (c) => c.notNull())
    .addColumn('updatedDate', 'text', (c) => c.notNull())
    .execute();
  // `$vars.name` must mean one variable.
  await db.schema.createIndex('variable_name_idx').on('variable').column('name').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('variable').ifExists().execute();
  await db.schema.dropTable('tool').ifExists().execute();
}
