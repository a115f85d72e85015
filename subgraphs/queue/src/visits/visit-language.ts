import { badInput } from '../validation';

/** A simple BCP 47 shape (language, then subtags): en, de-DE, pt-BR, zh-Hant-TW, sr-Latn. */
const languageTag = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const maxLength = 16;

/**
 * The visitor's language (Visit.locale), which their notifications are written in when the
 * business has that language. Absent or blank is null (the business's language is used).
 * Stored in canonical case (de-de -> de-DE) so templates are found by one spelling.
 */
export function optionalLanguage(value: string | null | undefined, field = 'language'): string | null {
  const text = value?.trim() ?? '';
  if (!text) return null;
  if (text.length > maxLength || !languageTag.test(text)) throw badInput(field, `must be a BCP 47 language tag such as en or de-DE (at most ${maxLength} characters).`);
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(text);
  } catch {
    canonical = undefined;
  }
  if (!canonical || canonical.length > maxLength) throw badInput(field, 'must be a BCP 47 language tag such as en or de-DE.');
  return canonical;
}
