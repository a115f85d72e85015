// GSM 03.38: the default alphabet (one septet each) and its extension table (two: an escape and the character).
const gsmBasic = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const gsmExtension = new Set('^{}\\[~]|€\f');

export interface SmsSegments {
  /** GSM-7 when every character is in the GSM alphabet, else UCS-2 (70 characters a segment). */
  encoding: 'GSM-7' | 'UCS-2';
  /** Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** How many SMS segments a body costs (a longer message is split into concatenated parts). */
export function smsSegments(body: string): SmsSegments {
  let septets = 0;
  for (const char of body) {
    if (gsmBasic.has(char)) septets += 1;
    else if (gsmExtension.has(char)) septets += 2;
    else return count('UCS-2', body.length, 70, 67);
  }
  return count('GSM-7', septets, 160, 153);
}

function count(encoding: SmsSegments['encoding'], units: number, single: number, multi: number): SmsSegments {
  return { encoding, units, segments: units <= single ? 1 : Math.ceil(units / multi) };
}
