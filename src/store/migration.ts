/** One numbered schema change; versions only grow, and an applied migration is never edited. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The migrations not yet applied, in version order. */
export function pendingMigrations(all: readonly Migration[], applied: ReadonlySet<number>): Migration[] {
  return all.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
}
