import type { Connector, SourceStream } from '#src/connectors/connector.ts';
import { contactsStream } from '#src/connectors/hubspot/contacts-stream.ts';
import { HubspotClient } from '#src/connectors/hubspot/hubspot-client.ts';
import { hubspotStreamNames } from '#src/connectors/hubspot/hubspot-config.ts';
import { surveyResponsesStream } from '#src/connectors/hubspot/survey-responses-stream.ts';
import { resolveEndpoint } from '#src/connectors/shared/resolve-credentials.ts';

const streamFactories = {
  contacts: contactsStream,
  survey_responses: surveyResponsesStream,
} as const;

/** The HubSpot-compatible CRM. */
export const connector: Connector = {
  source: 'hubspot',
  streamNames: hubspotStreamNames,
  open({ config, endpoint, env }) {
    const section = config.sources.hubspot;
    if (!section) throw new Error('sources.hubspot is not configured');
    const resolved = resolveEndpoint({
      source: 'hubspot',
      baseUrl: section.baseUrl,
      override: endpoint,
      credentialEnv: { token: { field: 'tokenEnv', envName: section.tokenEnv } },
      env,
    });
    const client = new HubspotClient(section, resolved);
    const streams = (Object.keys(streamFactories) as (keyof typeof streamFactories)[])
      .filter((name) => section.streams.includes(name))
      .map((name) => streamFactories[name](client, section) as SourceStream<unknown>);
    return { source: 'hubspot', streams, secrets: client.secrets };
  },
};
