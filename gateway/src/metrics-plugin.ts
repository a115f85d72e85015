import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '@waitlessq/observability';

/** Counts and times every operation the gateway serves, labelled by outcome (ok or first error code). */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  const service = 'gateway';
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
