/**
 * How every pipeline function is bundled (esbuild through NodejsFunction), shared with
 * `bench/bundle-size.ts` and the bundle test so they measure what is deployed.
 *
 * The AWS SDK is bundled from the lock, not taken from the Lambda runtime: the code relies on
 * features newer than some runtime SDKs (PutObject/DeleteObject `If-None-Match`/`If-Match`, the
 * checksums Object Lock requires, `@aws-sdk/lib-storage`), and a runtime SDK changes without a
 * deployment. DuckDB (native, the local engine) never belongs in a Lambda.
 */
export const lambdaBundling = {
  externalModules: ['@duckdb/node-api'],
  /** ESM bundles still meet CommonJS `require` inside some dependencies. */
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  /** The bundle budget of one function (bench/bundle-size.ts, tests/infra/lambda-bundles.test.ts). */
  budgetBytes: 1024 * 1024,
  /**
   * Measured exceptions, each with its reason. transform: the model graph parses every model's SQL
   * with node-sql-parser's Athena grammar (188 KiB minified) to order the models; with the SDK
   * bundled it is 1.09 MiB. Dropping the parser from the Lambda (dependencies computed at build
   * time) would bring it under 1 MiB. publish: it renders the data dictionary, whose lineage comes
   * from the same model graph and parser; 1.14 MiB measured.
   */
  budgetExceptions: { transform: 1.15 * 1024 * 1024, publish: 1.2 * 1024 * 1024 } as Readonly<
    Record<string, number>
  >,
} as const;

/** The budget of one handler's bundle. */
export function bundleBudget(handler: string): number {
  return lambdaBundling.budgetExceptions[handler] ?? lambdaBundling.budgetBytes;
}
