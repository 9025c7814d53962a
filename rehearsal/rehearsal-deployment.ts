import type { DeploymentConfigInput } from '#infra/config/deployment-config.ts';

/** The deployment the rehearsal synthesizes: a fake account, both sources, every role named. */
export const rehearsalDeployment: DeploymentConfigInput = {
  name: 'support-kpi',
  account: '123456789012',
  region: 'eu-west-1',
  sources: {
    zendesk: { baseUrl: 'https://example.zendesk.com', startDate: '2026-08-01' },
    hubspot: { baseUrl: 'https://api.hubapi.com', startDate: '2026-08-01' },
  },
  roles: {
    analyst: { trustedPrincipals: ['arn:aws:iam::123456789012:role/AnalystSso'] },
    compliance: { trustedPrincipals: ['arn:aws:iam::123456789012:role/ComplianceSso'] },
    engineer: { trustedPrincipals: ['arn:aws:iam::123456789012:role/EngineerSso'] },
  },
  alerts: { email: 'data@example.com', staleAfterHours: 26 },
};
