import type { Connector, SourceStream } from '#src/connectors/connector.ts';
import { resolveEndpoint } from '#src/connectors/shared/resolve-credentials.ts';
import { groupsStream } from '#src/connectors/zendesk/groups-stream.ts';
import { satisfactionRatingsStream } from '#src/connectors/zendesk/satisfaction-ratings-stream.ts';
import { ticketEventsStream } from '#src/connectors/zendesk/ticket-events-stream.ts';
import { ticketsStream } from '#src/connectors/zendesk/tickets-stream.ts';
import { usersStream } from '#src/connectors/zendesk/users-stream.ts';
import { ZendeskClient } from '#src/connectors/zendesk/zendesk-client.ts';
import { zendeskStreamNames } from '#src/connectors/zendesk/zendesk-config.ts';

const streamFactories = {
  groups: groupsStream,
  users: usersStream,
  tickets: ticketsStream,
  ticket_events: ticketEventsStream,
  satisfaction_ratings: satisfactionRatingsStream,
} as const;

/** The Zendesk-compatible ticket desk. */
export const connector: Connector = {
  source: 'zendesk',
  streamNames: zendeskStreamNames,
  open({ config, endpoint, env }) {
    const section = config.sources.zendesk;
    if (!section) throw new Error('sources.zendesk is not configured');
    const resolved = resolveEndpoint({
      source: 'zendesk',
      baseUrl: section.baseUrl,
      override: endpoint,
      credentialEnv:
        section.authScheme === 'bearer'
          ? { token: { field: 'tokenEnv', envName: section.tokenEnv } }
          : {
              email: { field: 'emailEnv', envName: section.emailEnv },
              token: { field: 'tokenEnv', envName: section.tokenEnv },
            },
      env,
    });
    const client = new ZendeskClient(section, resolved);
    // Listed dimensions first: the manifest and progress read in that order.
    const streams = (Object.keys(streamFactories) as (keyof typeof streamFactories)[])
      .filter((name) => section.streams.includes(name))
      .map((name) => streamFactories[name](client, section) as SourceStream<unknown>);
    return { source: 'zendesk', streams, secrets: client.secrets };
  },
};
