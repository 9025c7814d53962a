/** Metric the publish handler emits once per successful publication; the stale-data alarm watches it. */
export const publishMetric = {
  namespace: 'SupportKpiWarehouse',
  name: 'PublishSucceeded',
  service: 'publish',
};

/**
 * Metric the run-lock function emits for each run refused because another run held the lock; the
 * RunsRefused alarm speaks when refusals last hours (a stuck lock or a very long backfill).
 */
export const runRefusedMetric = {
  namespace: publishMetric.namespace,
  name: 'RunRefused',
  service: 'run-lock',
};
