export { z } from 'zod';
export { badInput, parse } from './parse';
export {
  clockTime,
  email,
  hexColor,
  httpUrl,
  id,
  idempotencyKey,
  isUuid,
  optional,
  optionalEmail,
  optionalHttpUrl,
  optionalPhone,
  optionalText,
  password,
  passwordMaxLength,
  passwordMinLength,
  phone,
  slug,
  text,
  timeZone,
  wholeNumber,
} from './fields';
