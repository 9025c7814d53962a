import { AddLFTagsToResourceCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { publishedNameOf } from './athena-table-versions.ts';

/**
 * Tag the relations a statement leaves in place with a Lake Formation LF-Tag, so the tag-based
 * grants of the deployment reach tables created at run time. Off unless the engine is given it.
 */
export interface AthenaTableTagging {
  /** The LF-Tag key (the deployment's `warehouse_class`). */
  readonly tagKey: string;
  /** The tag value of a relation, by its name (the access policy's table class). */
  readonly classify: (name: string) => string;
  /** A client to use (tests pass one to aws-sdk-client-mock); default: a new client in the engine's region. */
  readonly client?: LakeFormationClient;
  /** Glue catalog id (the account); default: the caller's account. */
  readonly catalogId?: string;
}

/** Lake Formation refused to tag a table the run created: it stays readable only by compliance and the pipeline. */
export class TableTagError extends Error {
  override readonly name = 'TableTagError';
  constructor(
    readonly table: string,
    readonly tag: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Could not tag table ${table} with ${tag}: ${reason}. Until it is tagged only compliance and the pipeline ` +
        'can read it. Give the pipeline role lakeformation:AddLFTagsToResource (IAM) and ASSOCIATE on the tag ' +
        '(Lake Formation), as the stack does, then run the transform again.',
      options,
    );
  }
}

const identifier = String.raw`(?:"(?:[^"]|"")+"|\x60(?:[^\x60]|\x60\x60)+\x60|[A-Za-z_][A-Za-z0-9_]*)`;
const qualified = String.raw`((?:${identifier}\.)*${identifier})`;
const patterns: readonly RegExp[] = [
  new RegExp(String.raw`^\s*CREATE\s+OR\s+REPLACE\s+VIEW\s+${qualified}`, 'i'),
  new RegExp(String.raw`^\s*CREATE\s+(?:EXTERNAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${qualified}`, 'i'),
  new RegExp(String.raw`^\s*ALTER\s+TABLE\s+${qualified}\s+RENAME\s+TO\s+${qualified}`, 'i'),
];

/**
 * Tables the runner creates only to swap in or merge from within the same step (`x__tmp` renamed to
 * `x`, `x__old` dropped, `x__delta` merged then dropped): left untagged, so they stay behind the
 * database's fail-closed default for the few seconds they exist.
 */
const transientSuffix = /__(tmp|old|delta)$/;

function unquote(part: string): string {
  if (part.startsWith('"')) return part.slice(1, -1).replaceAll('""', '"');
  if (part.startsWith('`')) return part.slice(1, -1).replaceAll('``', '`');
  return part;
}

function lastPart(name: string): string {
  const parts = name.match(new RegExp(identifier, 'g')) ?? [name];
  return unquote(parts[parts.length - 1]!).toLowerCase();
}

/**
 * The relation a statement creates or replaces under its lasting name (Glue names are lower case),
 * or undefined for queries, DML, drops and the runner's transient tables.
 */
export function createdRelation(sql: string): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(sql);
    if (!match) continue;
    const name = lastPart(match[match.length - 1]!);
    return transientSuffix.test(name) ? undefined : name;
  }
  return undefined;
}

/**
 * The class tag a relation gets. A version table is read through its published name's view, and
 * Lake Formation checks a view reader's grant on the tables under it, so a version carries the
 * published name's class.
 */
export function tagValueOf(relation: string, classify: (name: string) => string): string {
  return classify(publishedNameOf(relation) ?? relation);
}

/** Adds the class tag after each statement that leaves a table or view in place. */
export class AthenaTableTagger {
  readonly client: LakeFormationClient;

  constructor(
    private readonly tagging: AthenaTableTagging,
    private readonly database: string,
    region?: string,
  ) {
    this.client = tagging.client ?? new LakeFormationClient(region ? { region } : {});
  }

  /** Tag what `sql` created, if anything; returns the table and tag value it set. */
  async afterStatement(sql: string): Promise<{ table: string; value: string } | undefined> {
    const table = createdRelation(sql);
    if (!table) return undefined;
    const value = tagValueOf(table, this.tagging.classify);
    const tag = `${this.tagging.tagKey}=${value}`;
    const catalog = this.tagging.catalogId ? { CatalogId: this.tagging.catalogId } : {};
    let failures: { Error?: { ErrorCode?: string; ErrorMessage?: string } }[];
    try {
      const response = await this.client.send(
        new AddLFTagsToResourceCommand({
          ...catalog,
          Resource: { Table: { ...catalog, DatabaseName: this.database, Name: table } },
          LFTags: [{ ...catalog, TagKey: this.tagging.tagKey, TagValues: [value] }],
        }),
      );
      failures = response.Failures ?? [];
    } catch (error) {
      throw new TableTagError(table, tag, (error as Error).message, { cause: error });
    }
    if (failures.length > 0) {
      const reason = failures
        .map((f) => `${f.Error?.ErrorCode ?? 'error'}: ${f.Error?.ErrorMessage ?? 'no message'}`)
        .join('; ');
      throw new TableTagError(table, tag, reason);
    }
    return { table, value };
  }

  close(): void {
    this.client.destroy();
  }
}
