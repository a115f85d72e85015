import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '@waitlessq/observability';
import { createOperationLabel } from './operation-label';

/**
 * Counts and times every operation a service serves, labelled by outcome (ok or the first
 * error code) and by operation name, bounded to the known ones (operation-label.ts).
 */
export function metricsPlugin(
  service: string,
  metrics: Metrics,
  operationLabel: (name: string | null | undefined) => string = createOperationLabel(service),
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const stopTimer = metrics.graphqlDuration.startTimer({ service });
      return {
        async willSendResponse({ operationName, errors }) {
          const operation = operationLabel(operationName);
          stopTimer({ operation });
          const outcome = errors?.[0]?.extensions?.code ?? (errors?.length ? 'ERROR' : 'ok');
          metrics.graphqlRequests.inc({ service, operation, outcome: String(outcome) });
        },
      };
    },
  };
}
