import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { tagValueOf } from '#src/engines/athena/athena-table-tagger.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { classifyTable, rolePolicies, workgroupName } from '#src/governance/access/access-policy.ts';

/*
 * The local Athena started with the deployment's Lake Formation picture: each relation tagged as
 * the runner tags it, each role's workgroup reading the classes the access policy gives it. Athena
 * checks a view reader's grants on the tables under the view too.
 */
let athena: LocalAthena;
let client: AthenaClient;
const database = 'lf';

function engine(role: 'analyst' | 'pipeline'): AthenaEngine {
  return new AthenaEngine({
    workgroup: workgroupName('support-kpi', role),
    database,
    curatedLocation: 's3://lake-test/curated/lf/',
    client,
    initialPollMs: 1,
    maxPollMs: 5,
  });
}

beforeAll(async () => {
  athena = await startLocalAthena({
    lakeFormation: {
      tagOf: (relation) => tagValueOf(relation, (name) => classifyTable(name).class),
      readableTags: (workGroup) =>
        workGroup === workgroupName('support-kpi', 'analyst')
          ? new Set(rolePolicies.analyst.classes)
          : undefined,
    },
  });
  client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const pipeline = engine('pipeline');
  await pipeline.execute(
    "CREATE TABLE \"int_customer_versions\" WITH (table_type = 'ICEBERG', location = 's3://lake-test/curated/lf/icv/') AS SELECT 'k1' AS customer_key, 'gold' AS vip_tier",
  );
}, 60_000);

afterAll(async () => {
  client.destroy();
  await athena.close();
});

describe('an analyst on the local Athena with Lake Formation', () => {
  it('cannot read a view over a model the analyst may not read, though the view itself is a fact', async () => {
    // Prepare
    await engine('pipeline').execute(
      'CREATE OR REPLACE VIEW "dim_customers_as_view" AS SELECT customer_key, vip_tier FROM "int_customer_versions"',
    );
    // Act
    const read = engine('analyst').execute('SELECT count(*) AS n FROM "dim_customers_as_view"');
    // Assess
    await expect(read).rejects.toThrow(
      /Insufficient Lake Formation permission\(s\) on int_customer_versions/,
    );
    expect(classifyTable('dim_customers_as_view').class).toBe('fact');
  });

  it('reads a materialised dimension, a view over its own version that carries its class', async () => {
    // Prepare
    const pipeline = engine('pipeline');
    for (const statement of pipeline.statements.replaceTable({
      name: 'dim_customers',
      sql: 'SELECT customer_key, vip_tier FROM "int_customer_versions"',
      runId: 'run-1',
    }))
      await pipeline.execute(statement);
    // Act
    const { rows } = await engine('analyst').execute('SELECT customer_key, vip_tier FROM "dim_customers"');
    // Assess
    expect(rows).toEqual([{ customer_key: 'k1', vip_tier: 'gold' }]);
  });

  it('cannot read the model directly, and the pipeline reads everything', async () => {
    await expect(engine('analyst').execute('SELECT * FROM "int_customer_versions"')).rejects.toThrow(
      /Insufficient Lake Formation permission/,
    );
    expect(
      (await engine('pipeline').execute('SELECT count(*) AS n FROM "dim_customers_as_view"')).rows,
    ).toEqual([{ n: 1 }]);
  });
});
