import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '@waitlessq/observability';

/** Counts and times every operation a service serves, labelled by outcome (ok or the first error code). */
export function metricsPlugin(service: string, metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const stopTimer = metrics.graphqlDuration.startTimer({ service });
      return {
        async willSendResponse({ operationName, errors }) {
          const operation = operationName ?? 'anonymous';
          stopTimer({ operation });
          const outcome = errors?.[0]?.extensions?.code ?? (errors?.length ? 'ERROR' : 'ok');
          metrics.graphqlRequests.inc({ service, operation, outcome: String(outcome) });
        },
      };
    },
  };
}
