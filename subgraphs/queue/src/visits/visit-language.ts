import { badInput } from '@waitlessq/validation';

/**
 * A simple BCP 47 shape (language, then subtags of 2 to 8): en, de-DE, pt-BR, zh-Hant-TW, es-419.
 * The same shape the PWA's configured languages have, which the app sends.
 */
const languageTag = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const maxLength = 16;

/**
 * The visitor's language (Visit.locale), which their notifications are written in when the
 * business has that language. Absent or blank is null (the business's language is used).
 * Stored in canonical case (de-de -> de-DE) so templates are found by one spelling.
 */
export function optionalLanguage(value: string | null | undefined, field = 'language'): string | null {
  const text = value?.trim() ?? '';
  if (!text) return null;
  if (text.length > maxLength || !languageTag.test(text))
    throw badInput(field, `must be a BCP 47 language tag such as en or de-DE (at most ${maxLength} characters).`);
  return canonicalCase(text);
}

/** Intl's spelling when it knows the tag's structure; the tag as sent when it does not (the shape above is the rule). */
function canonicalCase(tag: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical && canonical.length <= maxLength ? canonical : tag;
  } catch {
    return tag;
  }
}
