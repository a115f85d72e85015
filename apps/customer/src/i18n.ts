/** The app's own texts; a business's configured texts (welcome message) come with its config. */
const en = {
  language: 'Language',
  openingHours: 'Opening hours',
  closed: 'Closed',
  queues: 'Queues',
  noOpenQueues: 'No queue is open right now.',
  waiting: '{count} waiting',
  estimatedWait: 'about {minutes} min',
  services: 'Services',
  minutes: '{minutes} min',
  join: 'Join',
  joinQueue: 'Join “{queue}”',
  yourName: 'Your name',
  phoneOptional: 'Phone (optional)',
  service: 'Service',
  anyService: 'Any service',
  partySize: 'Number of people',
  joining: 'Joining…',
  yourTicket: 'Your ticket',
  position: 'Position',
  estimate: 'Estimated wait',
  yourTurn: 'It’s your turn!',
  goToCounter: 'Please go to counter {counter}.',
  goToDesk: 'Please go to the desk.',
  beingServed: 'You are being served.',
  done: 'Your visit is complete. Thank you!',
  cancelled: 'You left the line.',
  noShow: 'You were called but did not come.',
  waitingStatus: 'You are in line.',
  queuePaused: 'The queue is paused for a moment; you keep your place.',
  queueClosed: 'The queue is closed.',
  leave: 'Leave the line',
  confirmLeave: 'Leave the line? Your place will be given up.',
  myVisits: 'My visits',
  noVisits: 'You have no visits on this device.',
  back: 'Back',
  offline: 'You are offline. This is the last known state.',
  reconnecting: 'Reconnecting…',
  live: 'Live',
  error: 'Something went wrong: {message}',
  nameRequired: 'Please enter your name.',
  weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun',
} as const;

export type TextKey = keyof typeof en;
type Texts = Record<TextKey, string>;

const de: Texts = {
  language: 'Sprache',
  openingHours: 'Öffnungszeiten',
  closed: 'Geschlossen',
  queues: 'Warteschlangen',
  noOpenQueues: 'Gerade ist keine Warteschlange geöffnet.',
  waiting: '{count} warten',
  estimatedWait: 'etwa {minutes} Min.',
  services: 'Leistungen',
  minutes: '{minutes} Min.',
  join: 'Anstellen',
  joinQueue: 'Bei „{queue}“ anstellen',
  yourName: 'Ihr Name',
  phoneOptional: 'Telefon (optional)',
  service: 'Leistung',
  anyService: 'Beliebige Leistung',
  partySize: 'Anzahl Personen',
  joining: 'Wird angestellt…',
  yourTicket: 'Ihre Nummer',
  position: 'Position',
  estimate: 'Geschätzte Wartezeit',
  yourTurn: 'Sie sind dran!',
  goToCounter: 'Bitte gehen Sie zu Schalter {counter}.',
  goToDesk: 'Bitte kommen Sie zum Empfang.',
  beingServed: 'Sie werden gerade bedient.',
  done: 'Ihr Besuch ist abgeschlossen. Vielen Dank!',
  cancelled: 'Sie haben die Warteschlange verlassen.',
  noShow: 'Sie wurden aufgerufen, sind aber nicht gekommen.',
  waitingStatus: 'Sie stehen in der Warteschlange.',
  queuePaused: 'Die Warteschlange pausiert kurz; Ihr Platz bleibt erhalten.',
  queueClosed: 'Die Warteschlange ist geschlossen.',
  leave: 'Warteschlange verlassen',
  confirmLeave: 'Warteschlange verlassen? Ihr Platz geht verloren.',
  myVisits: 'Meine Besuche',
  noVisits: 'Auf diesem Gerät gibt es keine Besuche.',
  back: 'Zurück',
  offline: 'Sie sind offline. Dies ist der zuletzt bekannte Stand.',
  reconnecting: 'Verbindung wird wiederhergestellt…',
  live: 'Live',
  error: 'Etwas ist schiefgegangen: {message}',
  nameRequired: 'Bitte geben Sie Ihren Namen ein.',
  weekdays: 'Mo,Di,Mi,Do,Fr,Sa,So',
};

const ar: Texts = {
  language: 'اللغة',
  openingHours: 'ساعات العمل',
  closed: 'مغلق',
  queues: 'الطوابير',
  noOpenQueues: 'لا يوجد طابور مفتوح الآن.',
  waiting: '{count} في الانتظار',
  estimatedWait: 'حوالي {minutes} دقيقة',
  services: 'الخدمات',
  minutes: '{minutes} دقيقة',
  join: 'انضم',
  joinQueue: 'الانضمام إلى «{queue}»',
  yourName: 'اسمك',
  phoneOptional: 'الهاتف (اختياري)',
  service: 'الخدمة',
  anyService: 'أي خدمة',
  partySize: 'عدد الأشخاص',
  joining: 'جارٍ الانضمام…',
  yourTicket: 'رقم تذكرتك',
  position: 'الترتيب',
  estimate: 'وقت الانتظار المتوقع',
  yourTurn: 'حان دورك!',
  goToCounter: 'يرجى التوجه إلى الشباك {counter}.',
  goToDesk: 'يرجى التوجه إلى المكتب.',
  beingServed: 'تتم خدمتك الآن.',
  done: 'اكتملت زيارتك. شكرًا لك!',
  cancelled: 'لقد غادرت الطابور.',
  noShow: 'تم استدعاؤك ولكنك لم تحضر.',
  waitingStatus: 'أنت في الطابور.',
  queuePaused: 'الطابور متوقف مؤقتًا؛ مكانك محفوظ.',
  queueClosed: 'الطابور مغلق.',
  leave: 'مغادرة الطابور',
  confirmLeave: 'مغادرة الطابور؟ ستفقد مكانك.',
  myVisits: 'زياراتي',
  noVisits: 'لا توجد زيارات على هذا الجهاز.',
  back: 'رجوع',
  offline: 'أنت غير متصل. هذه آخر حالة معروفة.',
  reconnecting: 'جارٍ إعادة الاتصال…',
  live: 'مباشر',
  error: 'حدث خطأ: {message}',
  nameRequired: 'يرجى إدخال اسمك.',
  weekdays: 'الإثنين,الثلاثاء,الأربعاء,الخميس,الجمعة,السبت,الأحد',
};

const he: Texts = {
  language: 'שפה',
  openingHours: 'שעות פתיחה',
  closed: 'סגור',
  queues: 'תורים',
  noOpenQueues: 'אין כרגע תור פתוח.',
  waiting: '{count} ממתינים',
  estimatedWait: 'כ-{minutes} דק׳',
  services: 'שירותים',
  minutes: '{minutes} דק׳',
  join: 'הצטרפות',
  joinQueue: 'הצטרפות לתור „{queue}”',
  yourName: 'השם שלך',
  phoneOptional: 'טלפון (לא חובה)',
  service: 'שירות',
  anyService: 'כל שירות',
  partySize: 'מספר אנשים',
  joining: 'מצטרפים…',
  yourTicket: 'המספר שלך',
  position: 'מיקום',
  estimate: 'זמן המתנה משוער',
  yourTurn: 'הגיע תורך!',
  goToCounter: 'נא לגשת לעמדה {counter}.',
  goToDesk: 'נא לגשת לדלפק.',
  beingServed: 'מטפלים בך כעת.',
  done: 'הביקור הסתיים. תודה!',
  cancelled: 'יצאת מהתור.',
  noShow: 'נקראת אך לא הגעת.',
  waitingStatus: 'את/ה בתור.',
  queuePaused: 'התור מושהה לרגע; מקומך שמור.',
  queueClosed: 'התור סגור.',
  leave: 'יציאה מהתור',
  confirmLeave: 'לצאת מהתור? המקום שלך יאבד.',
  myVisits: 'הביקורים שלי',
  noVisits: 'אין ביקורים במכשיר זה.',
  back: 'חזרה',
  offline: 'אין חיבור. זהו המצב האחרון הידוע.',
  reconnecting: 'מתחבר מחדש…',
  live: 'חי',
  error: 'משהו השתבש: {message}',
  nameRequired: 'נא להזין את שמך.',
  weekdays: 'ב׳,ג׳,ד׳,ה׳,ו׳,ש׳,א׳',
};

const dictionaries: Record<string, Texts> = { en, de, ar, he };
const rightToLeft = new Set(['ar', 'he', 'fa', 'ur']);
const languageNames: Record<string, string> = { en: 'English', de: 'Deutsch', ar: 'العربية', he: 'עברית' };

export function isRightToLeft(language: string): boolean {
  return rightToLeft.has(language.split('-')[0].toLowerCase());
}

export function languageName(language: string): string {
  return languageNames[language] ?? language;
}

export type Translate = (key: TextKey, values?: Record<string, string | number>) => string;

/** Texts of a language (the base tag's, then English for what is missing). */
export function translator(language: string): Translate {
  const texts = dictionaries[language] ?? dictionaries[language.split('-')[0]] ?? en;
  return (key, values = {}) => texts[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** The language to show: the saved choice, else the device's first one the business offers, else its default. */
export function chooseLanguage(offered: string[], fallback: string, saved: string | null, device: readonly string[]): string {
  if (saved && offered.includes(saved)) return saved;
  for (const wanted of device) {
    const match = offered.find((language) => language === wanted || language === wanted.split('-')[0]);
    if (match) return match;
  }
  return offered.includes(fallback) ? fallback : (offered[0] ?? 'en');
}
