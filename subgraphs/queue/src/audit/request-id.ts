import { currentRequestScope } from '@waitlessq/database';

/** The id of the request being served (the audit log shows it on each visit event); null outside one (sweeps). */
export const currentRequestId = (): string | null => currentRequestScope()?.requestId ?? null;
