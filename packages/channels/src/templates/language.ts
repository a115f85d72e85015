import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import type { Messages } from './types';

export const messages = { en, de, fr, es } satisfies Record<string, Messages>;

export type SupportedLanguage = keyof typeof messages;

export const supportedLanguages: readonly SupportedLanguage[] = ['en', 'de', 'fr', 'es'];

export const defaultLanguage: SupportedLanguage = 'en';

export function isSupportedLanguage(language: string): language is SupportedLanguage {
  return (supportedLanguages as readonly string[]).includes(language);
}

/**
 * The language to write in: the first supported one of `preferred` (a BCP 47 tag such as
 * `de-AT`, matched by its primary subtag, or an Accept-Language list), else `fallback`
 * (the business's language) matched the same way, else English.
 */
export function pickLanguage(preferred: string | null | undefined, fallback: string = defaultLanguage): SupportedLanguage {
  return firstSupported(preferred) ?? firstSupported(fallback) ?? defaultLanguage;
}

function firstSupported(tags: string | null | undefined): SupportedLanguage | null {
  if (!tags) return null;
  const ranked = tags
    .split(',')
    .map((part, index) => {
      const [tag, ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => p.trim().match(/^q=([0-9.]+)$/)?.[1]).find(Boolean);
      return { primary: tag.trim().split(/[-_]/)[0].toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.primary).find(isSupportedLanguage) ?? null;
}
