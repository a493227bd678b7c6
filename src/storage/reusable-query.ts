import { CompiledQuery } from 'kysely';

const SLOT = '\u0000aim-slot:';

/**
 * A query Kysely builds once: built with a placeholder for each of its `names`, its SQL text and
 * parameter list are kept, and every call binds its values (in the order of `names`) in the
 * placeholders' places; the other parameters, constants of the query, stay. Building a query with
 * Kysely's builder costs about 100 µs (profiled on the prediction path, where a run's claim and end
 * run once per prediction); binding costs next to nothing, and the SQL text (hence the prepared
 * statement) is the same.
 *
 * `build` must pass each `slot(name)` as a plain value (Kysely makes it a parameter); a name that does
 * not come back as a parameter is an error, found on first use.
 */
export class ReusableQuery {
  private compiled: { sql: string; params: Array<{ slot: number } | { value: unknown }> } | undefined;

  constructor(
    private readonly names: readonly string[],
    private readonly build: (slot: (name: string) => string) => { compile(): CompiledQuery },
  ) {}

  /** `values[i]` is the value of `names[i]`. */
  bind(values: readonly unknown[]): CompiledQuery {
    const compiled = (this.compiled ??= this.compile());
    return CompiledQuery.raw(
      compiled.sql,
      compiled.params.map((p) => ('slot' in p ? values[p.slot] : p.value)),
    );
  }

  private compile(): NonNullable<ReusableQuery['compiled']> {
    const index = new Map(this.names.map((name, i) => [name, i]));
    const { sql, parameters } = this.build((name) => SLOT + name).compile();
    const bound = new Set<number>();
    const params = parameters.map((value) => {
      const slot = typeof value === 'string' && value.startsWith(SLOT) ? index.get(value.slice(SLOT.length)) : undefined;
      if (slot === undefined) return { value };
      bound.add(slot);
      return { slot };
    });
    const missing = this.names.filter((_, i) => !bound.has(i));
    if (missing.length) throw new Error(`reusable query: ${missing.join(', ')} did not become parameters`);
    return { sql, params };
  }
}
