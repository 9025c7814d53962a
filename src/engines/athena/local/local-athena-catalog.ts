import type { Token } from '../sql-tokens.ts';

/**
 * The local Athena's Glue catalog: what kind each relation is and where its data lives. DuckDB holds
 * the rows; this holds what DuckDB does not know about Athena tables: Iceberg locations, partition
 * specs and snapshots, external (Hive) tables' locations and columns, and the locations whose data
 * a DROP deleted.
 */
import type { IcebergTableFiles } from './iceberg-table-files.ts';

export type RelationKind = 'iceberg' | 'hive' | 'view';

export interface Snapshot {
  readonly id: number;
  readonly operation: 'create' | 'append' | 'overwrite' | 'delete' | 'replace' | 'optimize';
  readonly at: string;
}

export interface CatalogRelation {
  readonly database: string;
  name: string;
  readonly kind: RelationKind;
  readonly location?: string;
  readonly partitioning: readonly string[];
  readonly snapshots: Snapshot[];
  /** Iceberg tables: their Parquet data files, snapshots and table properties (iceberg-table-files.ts). */
  files?: IcebergTableFiles;
  /** External (Hive) tables: declared columns (name → Hive type) and partition columns. */
  readonly columns?: Readonly<Record<string, string>>;
  readonly partitionColumns?: Readonly<Record<string, string>>;
  /** Views: the relations the definition reads (names as the catalog keys them). */
  reads?: readonly string[];
}

export class LocalAthenaCatalog {
  private readonly relations = new Map<string, CatalogRelation>();
  /** Locations whose data files were deleted by DROP TABLE of an Iceberg table. */
  readonly deletedLocations = new Set<string>();
  private nextSnapshot = 1;

  private key(database: string, name: string): string {
    return `${database}.${name.toLowerCase()}`;
  }

  get(database: string, name: string): CatalogRelation | undefined {
    return this.relations.get(this.key(database, name));
  }

  list(database: string): CatalogRelation[] {
    return [...this.relations.values()].filter((r) => r.database === database);
  }

  add(relation: Omit<CatalogRelation, 'snapshots'>): CatalogRelation {
    const entry: CatalogRelation = { ...relation, snapshots: [] };
    if (relation.kind === 'iceberg') this.snapshot(entry, 'create');
    this.relations.set(this.key(relation.database, relation.name), entry);
    if (relation.location) this.deletedLocations.delete(relation.location);
    return entry;
  }

  remove(database: string, name: string): CatalogRelation | undefined {
    const entry = this.get(database, name);
    if (!entry) return undefined;
    this.relations.delete(this.key(database, name));
    // Dropping an Iceberg table deletes its data and metadata files, not just the catalog entry.
    if (entry.kind === 'iceberg' && entry.location) this.deletedLocations.add(entry.location);
    return entry;
  }

  rename(database: string, from: string, to: string): void {
    const entry = this.get(database, from);
    if (!entry) return;
    this.relations.delete(this.key(database, from));
    entry.name = to;
    this.relations.set(this.key(database, to), entry);
  }

  /**
   * The tables a query of this relation reads: itself for a table, the tables under a view
   * (through views over views). A query plans them when it starts and reads their files after.
   */
  baseTables(database: string, name: string, seen = new Set<string>()): CatalogRelation[] {
    const entry = this.get(database, name);
    if (!entry || seen.has(entry.name)) return [];
    seen.add(entry.name);
    if (entry.kind !== 'view') return [entry];
    return (entry.reads ?? []).flatMap((r) => this.baseTables(database, r, seen));
  }

  /** The relations of the catalog a statement names (words and quoted identifiers). */
  relationsNamedIn(database: string, tokens: readonly Token[]): CatalogRelation[] {
    const found = new Map<string, CatalogRelation>();
    for (const t of tokens) {
      if (t.kind !== 'word' && t.kind !== 'double-quoted' && t.kind !== 'backquoted') continue;
      const entry = this.get(database, t.kind === 'word' ? t.text : t.value);
      if (entry) found.set(entry.name, entry);
    }
    return [...found.values()];
  }

  /** The relation whose location this is (or is under), if any. */
  locationUser(location: string): CatalogRelation | undefined {
    const norm = withSlash(location);
    return [...this.relations.values()].find(
      (r) => r.location && (withSlash(r.location).startsWith(norm) || norm.startsWith(withSlash(r.location))),
    );
  }

  snapshot(entry: CatalogRelation, operation: Snapshot['operation']): void {
    entry.snapshots.push({ id: this.nextSnapshot++, operation, at: new Date().toISOString() });
  }
}

function withSlash(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}
