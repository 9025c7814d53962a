/**
 * The `lake` and `engine` sections of a warehouse config that runs on the local Athena over an
 * s3rver lake on loopback: what the Athena benches share (fast polling, curated tables under the
 * lake's bucket).
 */
export function localAthenaSections(
  s3: { readonly bucket: string; readonly endpoint: string },
  athenaEndpoint: string,
) {
  return {
    lake: { kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' },
    engine: {
      kind: 'athena',
      workgroup: 'bench',
      database: 'support_kpi',
      endpoint: athenaEndpoint,
      region: 'us-east-1',
      curatedLocation: `s3://${s3.bucket}/curated/`,
      initialPollMs: 1,
      maxPollMs: 20,
    },
  } as const;
}
