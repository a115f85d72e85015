import { optionalEmail, optionalPhone, optionalText, wholeNumber, z } from '@waitlessq/validation';

/** What a visitor tells about themself when joining a line or booking: the same rules for both. */
export const personFieldsSchema = z.object({
  name: optionalText(100),
  phone: optionalPhone(),
  // Where "joined", "getting close" and "called" are sent when the visitor wants them by email.
  email: optionalEmail(),
  notes: optionalText(500),
  partySize: wholeNumber(1, 50).nullish(),
});
