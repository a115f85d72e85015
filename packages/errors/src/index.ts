export { AppError, isAppError, errorCodes } from './app-error';
export type { ErrorCode } from './app-error';
export { toGraphQLError, createErrorFormatter } from './format-error';
