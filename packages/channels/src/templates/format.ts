const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every text that reaches HTML goes through here: business and queue names are user input. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char]);
}

/**
 * An instant as the clock of `timezone` reads it, in `language`. ICU puts narrow and
 * non-breaking spaces in times ("10:30 AM"); plain spaces keep an SMS in the GSM alphabet.
 */
export function formatInstant(instant: Date, language: string, timezone: string, style: 'long' | 'short'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long' ? { dateStyle: 'full', timeStyle: 'short' } : { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(language, { ...options, timeZone: validZone(timezone) }).format(instant).replace(/[\u00a0\u202f]/g, ' ');
}

function validZone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return timezone;
  } catch {
    // A zone this ICU does not know: UTC rather than no message at all.
    return 'UTC';
  }
}

/** A name short enough for an SMS: long business names would push it past one segment. */
export function shorten(name: string, max: number): string {
  const plain = name
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= max ? plain : `${plain.slice(0, max - 3).trimEnd()}...`;
}
