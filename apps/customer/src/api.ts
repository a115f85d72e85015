import { createClient, type Client } from 'graphql-ws/client';

declare const __OPERATION_IDS__: Record<string, string>;

/** The app's trusted documents (schema/operations/pwa/), by name; their ids are compiled in. */
export type OperationName =
  | 'PwaBusinessPage'
  | 'PwaJoinQueue'
  | 'PwaVisitByToken'
  | 'PwaCancelVisit'
  | 'PwaVisitUpdated'
  | 'PwaRegisterPushSubscription'
  | 'PwaAvailableSlots'
  | 'PwaBookAppointment'
  | 'PwaCheckIn';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** True when the network, not the API, failed: the app is offline or the server unreachable. */
    readonly offline = false,
  ) {
    super(message);
  }
}

function persisted(name: OperationName) {
  const id = __OPERATION_IDS__[name];
  if (!id) throw new Error(`No trusted document ${name}.`);
  return { persistedQuery: { version: 1, sha256Hash: id } };
}

/** Runs a trusted document by id on the same origin's API. */
export async function run<T>(apiPath: string, name: OperationName, variables: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: name, variables, extensions: persisted(name) }),
    });
  } catch {
    throw new ApiError('NETWORK', 'offline', true);
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError('NETWORK', `HTTP ${response.status}`, true);
  }
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR', error.message);
  if (!body.data) throw new ApiError('INTERNAL_SERVER_ERROR', 'empty answer');
  return body.data;
}

export interface LiveSubscription {
  close(): void;
}

/**
 * One graphql-ws client per page, on the API's path. The socket reconnects by itself (phones
 * sleep, networks change); `onConnection` tells the app whether it is live.
 */
export function createLiveClient(apiPath: string, onConnection: (live: boolean, reconnected: boolean) => void): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${apiPath}`;
  return createClient({
    url,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    // Short waits: a customer in line wants the screen live again as soon as the network is back.
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000) * (0.5 + Math.random() / 2))),
    on: { connected: (_socket, _payload, wasRetry) => onConnection(true, wasRetry), closed: () => onConnection(false, false) },
  });
}

/**
 * Subscribes to a trusted document by id. `variables` is sent again on every reconnection as
 * it is then: the caller moves `afterSequence` forward with every event, so the server replays
 * exactly what was missed while the connection was lost. The server completes a visit's
 * stream when the visit ends or moves to another queue (`completed`).
 */
export function subscribe<T>(
  client: Client,
  name: OperationName,
  variables: Record<string, unknown>,
  next: (data: T) => void,
  failed: (error: ApiError) => void,
  completed: () => void = () => undefined,
): LiveSubscription {
  const dispose = client.subscribe<T>(
    { query: '', operationName: name, variables, extensions: persisted(name) },
    {
      next: (result) => {
        const error = result.errors?.[0];
        if (error) failed(new ApiError(String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), error.message));
        else if (result.data) next(result.data);
      },
      error: (error) => {
        const first = Array.isArray(error) ? error[0] : null;
        failed(new ApiError(String(first?.extensions?.code ?? 'NETWORK'), first?.message ?? 'connection failed', !first));
      },
      complete: completed,
    },
  );
  return { close: dispose };
}
