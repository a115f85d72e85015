import type { Client } from 'graphql-ws/client';
import { ApiError, createLiveClient, run, subscribe, type LiveSubscription } from './api';
import { readConfig } from './config';
import { h } from './dom';
import { chooseLanguage, isRightToLeft, languageName, translator, type Translate } from './i18n';
import { askNotificationPermission, registerPush } from './push';
import { activeStatuses, Preferences, VisitStore, type HeldVisit, type Visit } from './store';

interface BusinessPage {
  id: string;
  name: string;
  timezone: string;
  description: string | null;
  openingHours: { weekday: number; opensAt: string; closesAt: string }[];
  services: { id: string; name: string; description: string | null; durationMinutes: number | null; bookableOnline: boolean }[];
  queues: { id: string; name: string; status: string; waitingCount: number; estimatedWaitMinutes: number | null }[];
}
interface Slot {
  startsAt: string;
  endsAt: string;
  spotsLeft: number;
}
interface VisitUpdate {
  sequence: number;
  visit: Visit;
}

const config = readConfig(document);
const preferences = new Preferences();
const visits = new VisitStore(config.businessId);
const root = document.getElementById('app') as HTMLElement;
const notice = h('p', { id: 'wlq-notice', class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
root.before(notice);

let language = chooseLanguage(config.languages, config.defaultLanguage, preferences.language, navigator.languages ?? [navigator.language]);
let t: Translate = translator(language);
let live: Client | null = null;
/** Closed when the screen changes. */
const screenCleanup: (() => void)[] = [];
let online = navigator.onLine;
let socketLive = false;

function applyLanguage(): void {
  t = translator(language);
  document.documentElement.lang = language;
  document.documentElement.dir = isRightToLeft(language) ? 'rtl' : 'ltr';
}

/** The app's language for the visit's notifications; the server takes tags of at most 16 characters. */
function visitLanguage(): string | null {
  return language.length <= 16 ? language : null;
}

function showNotice(): void {
  const text = !online ? t('offline') : live && !socketLive && location.hash.startsWith('#/visit/') ? t('reconnecting') : '';
  notice.textContent = text;
  notice.hidden = text === '';
  document.body.classList.toggle('is-offline', !online);
}

function setScreen(title: string, ...content: (Node | null | false)[]): void {
  root.replaceChildren(...content.filter((node): node is Node => !!node));
  document.title = `${title} · ${config.appName}`;
  const heading = root.querySelector('h2');
  if (heading instanceof HTMLElement) heading.tabIndex = -1;
}

function errorMessage(error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'error', role: 'alert' }, t('error', { message }));
}

/** Called when the socket is back after a loss (the screen then reads what it may have missed). */
const reconnectListeners = new Set<() => void>();

function liveClient(): Client {
  live ??= createLiveClient(config.apiPath, (connected, reconnected) => {
    socketLive = connected;
    showNotice();
    if (reconnected) for (const listener of reconnectListeners) listener();
  });
  return live;
}

// ---- the business page -------------------------------------------------------------------

async function loadBusiness(): Promise<BusinessPage | null> {
  try {
    const { business } = await run<{ business: BusinessPage | null }>(config.apiPath, 'PwaBusinessPage', { id: config.businessId });
    if (business) preferences.cache(`business:${config.businessId}`, business);
    online = true;
    return business;
  } catch (error) {
    if (error instanceof ApiError && error.offline) {
      online = false;
      return preferences.cached<BusinessPage>(`business:${config.businessId}`);
    }
    throw error;
  }
}

function languagePicker(): HTMLElement | null {
  if (config.languages.length < 2) return null;
  const select = h(
    'select',
    {
      id: 'wlq-language',
      onchange: (event: Event) => {
        language = (event.target as HTMLSelectElement).value;
        preferences.language = language;
        applyLanguage();
        route();
      },
    },
    config.languages.map((code) => h('option', { value: code, lang: code, selected: code === language }, languageName(code))),
  );
  return h('p', { class: 'language' }, h('label', { for: 'wlq-language' }, t('language')), ' ', select);
}

function openingHours(hours: BusinessPage['openingHours']): HTMLElement {
  const names = t('weekdays').split(',');
  const rows = names.map((name, weekday) => {
    // Clock times read left to right in every language: each interval is isolated as such.
    const intervals = hours
      .filter((interval) => interval.weekday === weekday)
      .map((interval, index) => [index > 0 ? ', ' : '', h('bdi', { dir: 'ltr' }, `${interval.opensAt}–${interval.closesAt}`)]);
    return h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, intervals.length ? intervals.flat() : t('closed')));
  });
  return h(
    'section',
    { 'aria-labelledby': 'hours-title' },
    h('h3', { id: 'hours-title' }, t('openingHours')),
    h('table', { class: 'hours' }, h('tbody', {}, rows)),
  );
}

async function showBusiness(): Promise<void> {
  setScreen(config.appName, h('p', { class: 'loading' }, '…'));
  let business: BusinessPage | null;
  try {
    business = await loadBusiness();
  } catch (error) {
    setScreen(config.appName, errorMessage(error));
    return;
  }
  showNotice();
  const active = visits.all().filter((held) => activeStatuses.has(held.visit.status));
  const queues = (business?.queues ?? []).filter((queue) => queue.status === 'OPEN');
  setScreen(
    config.appName,
    h('h2', { class: 'visually-hidden' }, config.appName),
    config.welcomeMessage ? h('p', { class: 'welcome', dir: 'auto' }, config.welcomeMessage) : null,
    languagePicker(),
    active.length
      ? h(
          'nav',
          { class: 'held', 'aria-label': t('myVisits') },
          active.map((held) =>
            h(
              'a',
              { class: 'button ticket-link', href: `#/visit/${held.id}` },
              held.visit.ticket || !held.visit.scheduledAt
                ? `${t('yourTicket')}: ${held.visit.ticket ?? ''}`
                : `${t('yourAppointment')}: ${formatTime(held.visit.scheduledAt, true)}`,
            ),
          ),
        )
      : null,
    config.features.joinQueue
      ? h(
          'section',
          { 'aria-labelledby': 'queues-title' },
          h('h3', { id: 'queues-title' }, t('queues')),
          queues.length
            ? h(
                'ul',
                { class: 'queues' },
                queues.map((queue) =>
                  h(
                    'li',
                    { class: 'card' },
                    h('strong', { class: 'queue-name' }, h('bdi', {}, queue.name)),
                    h('span', { class: 'queue-waiting' }, t('waiting', { count: queue.waitingCount })),
                    queue.estimatedWaitMinutes !== null
                      ? h('span', { class: 'queue-estimate' }, t('estimatedWait', { minutes: queue.estimatedWaitMinutes }))
                      : null,
                    h('a', { class: 'button', href: `#/join/${queue.id}`, 'aria-label': t('joinQueue', { queue: queue.name }) }, t('join')),
                  ),
                ),
              )
            : h('p', {}, t('noOpenQueues')),
        )
      : null,
    config.features.appointments && business?.services.some((service) => service.bookableOnline)
      ? h(
          'section',
          { 'aria-labelledby': 'book-title' },
          h('h3', { id: 'book-title' }, t('bookAppointment')),
          h(
            'ul',
            { class: 'book-services' },
            business.services
              .filter((service) => service.bookableOnline)
              .map((service) => h('li', {}, h('a', { class: 'button secondary', href: `#/book/${service.id}` }, h('bdi', {}, service.name)))),
          ),
        )
      : null,
    business ? openingHours(business.openingHours) : null,
    business?.services.length
      ? h(
          'section',
          { 'aria-labelledby': 'services-title' },
          h('h3', { id: 'services-title' }, t('services')),
          h(
            'ul',
            { class: 'services' },
            business.services.map((service) =>
              h(
                'li',
                {},
                h('bdi', {}, service.name),
                service.durationMinutes ? h('span', { class: 'muted' }, t('minutes', { minutes: service.durationMinutes })) : null,
              ),
            ),
          ),
        )
      : null,
    config.features.visitHistory && visits.all().length ? h('p', {}, h('a', { href: '#/visits' }, t('myVisits'))) : null,
  );
}

// ---- joining -----------------------------------------------------------------------------

async function showJoin(queueId: string): Promise<void> {
  let business: BusinessPage | null = preferences.cached<BusinessPage>(`business:${config.businessId}`);
  if (!business?.queues.some((queue) => queue.id === queueId)) {
    try {
      business = await loadBusiness();
    } catch (error) {
      setScreen(config.appName, errorMessage(error));
      return;
    }
  }
  const queue = business?.queues.find((candidate) => candidate.id === queueId);
  const title = t('joinQueue', { queue: queue?.name ?? '' });
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button' }, t('join'));
  const field = (id: string, label: string, input: HTMLElement) => h('p', { class: 'field' }, h('label', { for: id }, label), input);
  const form = h(
    'form',
    { novalidate: true },
    field('join-name', t('yourName'), h('input', { id: 'join-name', name: 'name', autocomplete: 'name', required: true, maxlength: 80 })),
    field('join-phone', t('phoneOptional'), h('input', { id: 'join-phone', name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: 32 })),
    field('join-email', t('email'), h('input', { id: 'join-email', name: 'email', type: 'email', autocomplete: 'email', maxlength: 254 })),
    business?.services.length
      ? field(
          'join-service',
          t('service'),
          h(
            'select',
            { id: 'join-service', name: 'service' },
            h('option', { value: '' }, t('anyService')),
            business.services.map((service) => h('option', { value: service.id }, service.name)),
          ),
        )
      : null,
    field('join-party', t('partySize'), h('input', { id: 'join-party', name: 'partySize', type: 'number', min: 1, max: 20, value: 1, inputmode: 'numeric' })),
    problem,
    submit,
  ) as HTMLFormElement;

  const join = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    if (!name) {
      problem.textContent = t('nameRequired');
      problem.hidden = false;
      (form.elements.namedItem('name') as HTMLInputElement).focus();
      return;
    }
    // Asked inside the tap, as browsers require; the answer is awaited only after joining.
    const permission = askNotificationPermission(config);
    submit.setAttribute('disabled', '');
    submit.textContent = t('joining');
    try {
      const phone = String(data.get('phone') ?? '').trim();
      const email = String(data.get('email') ?? '').trim();
      const { joinQueue } = await run<{ joinQueue: { visitToken: string; visit: Visit } }>(config.apiPath, 'PwaJoinQueue', {
        input: {
          queueId,
          name,
          phone: phone || null,
          email: email || null,
          serviceId: String(data.get('service') ?? '') || null,
          partySize: Number(data.get('partySize') ?? 1) || 1,
          // The language the app is shown in: the visit's notifications are written in it.
          language: visitLanguage(),
          idempotencyKey: crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`,
        },
      });
      visits.save({ id: joinQueue.visit.id, token: joinQueue.visitToken, sequence: null, visit: joinQueue.visit, savedAt: new Date().toISOString() });
      void registerPush(config, permission, joinQueue.visit.id, joinQueue.visitToken);
      location.hash = `#/visit/${joinQueue.visit.id}`;
    } catch (error) {
      problem.textContent =
        error instanceof ApiError && error.offline ? t('offline') : t('error', { message: error instanceof Error ? error.message : String(error) });
      problem.hidden = false;
      submit.removeAttribute('disabled');
      submit.textContent = t('join');
    }
  };
  // join shows its own failures in the form.
  form.addEventListener('submit', (event) => void join(event));

  setScreen(
    title,
    h('p', {}, h('a', { href: '#/' }, t('back'))),
    h('h2', {}, title),
    queue?.estimatedWaitMinutes != null ? h('p', {}, `${t('estimate')}: ${t('estimatedWait', { minutes: queue.estimatedWaitMinutes })}`) : null,
    form,
  );
}

// ---- booking (when the business offers appointments) ------------------------------------

function localDay(offsetDays = 0): string {
  const day = new Date();
  day.setDate(day.getDate() + offsetDays);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

/** Appointment times in the business's own time zone (where the customer will be), once known. */
function formatTime(iso: string, withDate = false): string {
  const timeZone = preferences.cached<BusinessPage>(`business:${config.businessId}`)?.timezone;
  const options: Intl.DateTimeFormatOptions = { ...(withDate ? { weekday: 'short', day: 'numeric', month: 'short' } : {}), hour: '2-digit', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat(language, { ...options, ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(language, options).format(new Date(iso));
  }
}

async function showBooking(serviceId: string): Promise<void> {
  let business: BusinessPage | null = preferences.cached<BusinessPage>(`business:${config.businessId}`);
  if (!business?.services.some((service) => service.id === serviceId)) {
    try {
      business = await loadBusiness();
    } catch (error) {
      setScreen(config.appName, errorMessage(error));
      return;
    }
  }
  const service = business?.services.find((candidate) => candidate.id === serviceId);
  const title = t('bookService', { service: service?.name ?? '' });
  const day = h('input', { id: 'book-day', type: 'date', value: localDay(), min: localDay() }) as HTMLInputElement;
  const slots = h('div', { class: 'slots', 'aria-live': 'polite' });
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  const contact = h(
    'div',
    { class: 'book-contact' },
    h('p', { class: 'field' }, h('label', { for: 'book-name' }, t('yourName')), h('input', { id: 'book-name', autocomplete: 'name', maxlength: 80 })),
    h(
      'p',
      { class: 'field' },
      h('label', { for: 'book-phone' }, t('phoneOptional')),
      h('input', { id: 'book-phone', type: 'tel', autocomplete: 'tel', maxlength: 32 }),
    ),
    h(
      'p',
      { class: 'field' },
      h('label', { for: 'book-email' }, t('email')),
      h('input', { id: 'book-email', type: 'email', autocomplete: 'email', maxlength: 254 }),
    ),
  );
  const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
  const fail = (message: string) => {
    problem.textContent = message;
    problem.hidden = false;
  };

  const book = async (slot: Slot, button: HTMLElement) => {
    const name = value('book-name');
    const phone = value('book-phone');
    const email = value('book-email');
    if (!name) return fail(t('nameRequired'));
    if (!phone && !email) return fail(t('contactRequired'));
    const permission = askNotificationPermission(config);
    button.setAttribute('disabled', '');
    button.textContent = t('booking');
    try {
      const { bookAppointment } = await run<{ bookAppointment: { visitToken: string; visit: Visit } }>(config.apiPath, 'PwaBookAppointment', {
        input: {
          businessId: config.businessId,
          serviceId,
          startsAt: slot.startsAt,
          name,
          phone: phone || null,
          email: email || null,
          language: visitLanguage(),
          idempotencyKey: crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`,
        },
      });
      visits.save({
        id: bookAppointment.visit.id,
        token: bookAppointment.visitToken,
        sequence: null,
        visit: bookAppointment.visit,
        savedAt: new Date().toISOString(),
      });
      void registerPush(config, permission, bookAppointment.visit.id, bookAppointment.visitToken);
      location.hash = `#/visit/${bookAppointment.visit.id}`;
    } catch (error) {
      fail(error instanceof ApiError && error.offline ? t('offline') : t('error', { message: error instanceof Error ? error.message : String(error) }));
      button.removeAttribute('disabled');
      button.textContent = t('book', { time: formatTime(slot.startsAt) });
    }
  };

  const load = async () => {
    const [year, month, date] = day.value.split('-').map(Number);
    if (!year) return;
    const from = new Date(year, month - 1, date);
    const to = new Date(year, month - 1, date + 1);
    slots.replaceChildren(h('p', { class: 'loading' }, '…'));
    try {
      const answer = await run<{ business: { availableSlots: Slot[] } | null }>(config.apiPath, 'PwaAvailableSlots', {
        businessId: config.businessId,
        serviceId,
        from: new Date(Math.max(from.getTime(), Date.now())).toISOString(),
        to: to.toISOString(),
      });
      const free = (answer.business?.availableSlots ?? []).filter((slot) => slot.spotsLeft > 0);
      slots.replaceChildren(
        free.length
          ? h(
              'ul',
              { class: 'slot-list' },
              free.map((slot) => {
                const button = h('button', { type: 'button', class: 'button' }, t('book', { time: formatTime(slot.startsAt) }));
                button.addEventListener('click', () => void book(slot, button));
                return h('li', {}, button);
              }),
            )
          : h('p', {}, t('noSlots')),
      );
    } catch (error) {
      slots.replaceChildren(errorMessage(error));
    }
  };
  day.addEventListener('change', () => void load());

  setScreen(
    title,
    h('p', {}, h('a', { href: '#/' }, t('back'))),
    h('h2', {}, title),
    contact,
    h('p', { class: 'field' }, h('label', { for: 'book-day' }, t('day')), day),
    h('h3', {}, t('freeTimes')),
    problem,
    slots,
  );
  await load();
}

// ---- the ticket --------------------------------------------------------------------------

function statusText(visit: Visit): string {
  switch (visit.status) {
    case 'CALLED':
      return visit.counter ? t('goToCounter', { counter: visit.counter }) : t('goToDesk');
    case 'SERVING':
      return t('beingServed');
    case 'DONE':
      return t('done');
    case 'CANCELLED':
      return t('cancelled');
    case 'NO_SHOW':
      return t('noShow');
    case 'PENDING':
      return t('pending');
    case 'BOOKED':
      return t('booked');
    default:
      if (visit.queue?.status === 'PAUSED') return t('queuePaused');
      if (visit.queue?.status === 'CLOSED') return t('queueClosed');
      return t('waitingStatus');
  }
}

/** What the ticket screen keeps across re-renders (an update may arrive between two taps). */
interface TicketState {
  confirmingLeave: boolean;
  leaving: boolean;
}

const checkInLeadMs = 2 * 3600_000;

// The actions show their own failures on the ticket.
function renderTicket(held: HeldVisit, actions: { leave: () => Promise<void>; checkIn: () => Promise<void> }, state: TicketState): void {
  const { visit } = held;
  const called = visit.status === 'CALLED';
  const waiting = visit.status === 'WAITING';
  const appointment = (visit.status === 'PENDING' || visit.status === 'BOOKED') && visit.scheduledAt !== null;
  const leave = h(
    'button',
    { type: 'button', class: 'button secondary', id: 'leave', disabled: state.leaving, 'aria-describedby': state.confirmingLeave ? 'leave-confirm' : null },
    appointment ? t('cancelAppointment') : t('leave'),
  );
  const confirmText = h('p', { hidden: !state.confirmingLeave, id: 'leave-confirm' }, appointment ? t('confirmCancel') : t('confirmLeave'));
  leave.addEventListener('click', () => {
    // Two taps: no blocking dialog, which standalone apps and some browsers suppress.
    if (!state.confirmingLeave) {
      state.confirmingLeave = true;
      confirmText.hidden = false;
      leave.setAttribute('aria-describedby', 'leave-confirm');
      return;
    }
    state.leaving = true;
    leave.setAttribute('disabled', '');
    void actions.leave();
  });
  let checkIn: HTMLElement | null = null;
  if (visit.status === 'BOOKED' && visit.scheduledAt) {
    if (Date.now() >= new Date(visit.scheduledAt).getTime() - checkInLeadMs) {
      checkIn = h('button', { type: 'button', class: 'button', id: 'check-in' }, t('checkIn'));
      checkIn.addEventListener('click', () => {
        checkIn?.setAttribute('disabled', '');
        void actions.checkIn();
      });
    } else {
      checkIn = h('p', {}, t('checkInFrom'));
    }
  }
  const heading = called ? t('yourTurn') : appointment ? t('yourAppointment') : t('yourTicket');
  setScreen(
    heading,
    h(
      'section',
      { class: `ticket status-${visit.status.toLowerCase()}`, 'aria-labelledby': 'ticket-title' },
      called
        ? h('div', { class: 'turn', role: 'alert' }, h('h2', { id: 'ticket-title' }, t('yourTurn')), h('p', { class: 'turn-where' }, statusText(visit)))
        : h('h2', { id: 'ticket-title' }, heading),
      appointment
        ? h('p', { class: 'ticket-when' }, formatTime(visit.scheduledAt!, true))
        : h('p', { class: 'ticket-number', 'aria-label': `${t('yourTicket')} ${visit.ticket ?? ''}` }, visit.ticket ?? '—'),
      called ? null : h('p', { class: 'ticket-status' }, statusText(visit)),
      waiting
        ? h(
            'dl',
            { class: 'ticket-facts' },
            h('div', {}, h('dt', {}, t('position')), h('dd', { id: 'position' }, String(visit.position ?? '—'))),
            h(
              'div',
              {},
              h('dt', {}, t('estimate')),
              h('dd', { id: 'estimate' }, visit.estimatedWaitMinutes !== null ? t('estimatedWait', { minutes: visit.estimatedWaitMinutes }) : '—'),
            ),
          )
        : null,
      visit.queue ? h('p', { class: 'muted' }, h('bdi', {}, visit.queue.name), visit.service ? [' · ', h('bdi', {}, visit.service.name)] : null) : null,
    ),
    waiting || called || appointment ? h('div', { class: 'actions' }, checkIn, confirmText, leave) : null,
    h('p', {}, h('a', { href: '#/' }, t('back'))),
  );
}

function showTicket(visitId: string): void {
  let held = visits.get(visitId);
  if (!held) {
    setScreen(t('myVisits'), h('h2', {}, t('myVisits')), h('p', {}, t('noVisits')), h('p', {}, h('a', { href: '#/' }, t('back'))));
    return;
  }
  let subscription: LiveSubscription | null = null;
  let closed = false;
  const state: TicketState = { confirmingLeave: false, leaving: false };
  let retry: ReturnType<typeof setTimeout> | undefined;

  const apply = (visit: Visit, sequence: number | null) => {
    if (!held) return;
    const wasCalled = held.visit.status === 'CALLED';
    held = { ...held, visit, sequence: sequence ?? held.sequence, savedAt: new Date().toISOString() };
    visits.save(held);
    // A late answer (the cancellation, a read) for a screen the customer has left is kept, not shown.
    if (closed) return;
    if (visit.status === 'CALLED' && !wasCalled && 'vibrate' in navigator) navigator.vibrate([300, 150, 300]);
    renderTicket(held, { leave, checkIn }, state);
  };
  const refresh = async () => {
    try {
      const { visit } = await run<{ visit: Visit | null }>(config.apiPath, 'PwaVisitByToken', { id: visitId, visitToken: held!.token });
      online = true;
      if (visit && !closed) apply(visit, null);
    } catch (error) {
      if (error instanceof ApiError && error.offline) online = false;
    }
    showNotice();
  };
  const checkIn = async () => {
    try {
      const answer = await run<{ checkIn: Visit }>(config.apiPath, 'PwaCheckIn', { visitId, visitToken: held!.token });
      apply(answer.checkIn, null);
    } catch (error) {
      if (held) renderTicket(held, { leave, checkIn }, state);
      root.append(errorMessage(error));
    }
  };
  const leave = async () => {
    try {
      const { cancelVisit } = await run<{ cancelVisit: Visit }>(config.apiPath, 'PwaCancelVisit', { visitId, visitToken: held!.token });
      apply(cancelVisit, null);
    } catch (error) {
      state.leaving = false;
      if (held) renderTicket(held, { leave, checkIn }, state);
      root.append(errorMessage(error));
    }
  };
  const listen = () => {
    if (closed || !held || !activeStatuses.has(held.visit.status)) return;
    // Moved forward with every event: a reconnection resends it and the server replays what was missed.
    const variables = { id: visitId, visitToken: held.token, afterSequence: held.sequence };
    subscription = subscribe<{ visitUpdated: VisitUpdate }>(
      liveClient(),
      'PwaVisitUpdated',
      variables,
      ({ visitUpdated }) => {
        if (held?.sequence != null && visitUpdated.sequence <= held.sequence) return;
        variables.afterSequence = visitUpdated.sequence;
        apply(visitUpdated.visit, visitUpdated.sequence);
      },
      (error) => {
        subscription = null;
        if (closed) return;
        // Too far behind to replay: read the visit afresh and listen from now on.
        if (error.code === 'SEQUENCE_TOO_OLD' && held) held = { ...held, sequence: null };
        retry = setTimeout(() => void refresh().then(listen), 2_000);
      },
      () => {
        // Completed: the visit ended (listen then does nothing) or was transferred to another
        // queue, whose events have their own sequence: listen there from now on.
        subscription = null;
        if (closed) return;
        if (held) held = { ...held, sequence: null };
        void refresh().then(listen);
      },
    );
  };
  const onOnline = () => {
    online = true;
    void refresh();
  };
  const onOffline = () => {
    online = false;
    showNotice();
  };
  // The subscription resumes after the last event seen (afterSequence); a visit that saw none
  // yet has no sequence to resume from, so the visit is also read again.
  const onReconnect = () => void refresh();
  reconnectListeners.add(onReconnect);
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  screenCleanup.push(() => {
    closed = true;
    clearTimeout(retry);
    subscription?.close();
    reconnectListeners.delete(onReconnect);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
  });

  renderTicket(held, { leave, checkIn }, state);
  showNotice();
  listen();
  void refresh();
}

// ---- my visits ---------------------------------------------------------------------------

function showVisits(): void {
  const held = visits.all();
  setScreen(
    t('myVisits'),
    h('p', {}, h('a', { href: '#/' }, t('back'))),
    h('h2', {}, t('myVisits')),
    held.length
      ? h(
          'ul',
          { class: 'visits' },
          held.map((entry) =>
            h(
              'li',
              { class: 'card' },
              h(
                'a',
                { href: `#/visit/${entry.id}` },
                h('strong', {}, entry.visit.ticket ?? (entry.visit.scheduledAt ? formatTime(entry.visit.scheduledAt, true) : '—')),
                ' ',
                entry.visit.queue?.name ?? '',
              ),
              h('span', { class: 'muted' }, statusText(entry.visit)),
            ),
          ),
        )
      : h('p', {}, t('noVisits')),
  );
}

// ---- routing -----------------------------------------------------------------------------

function route(): void {
  for (const cleanup of screenCleanup.splice(0)) cleanup();
  const path = location.hash.replace(/^#/, '') || '/';
  const visit = /^\/visit\/([0-9a-f-]{36})$/i.exec(path);
  const join = /^\/join\/([0-9a-f-]{36})$/i.exec(path);
  const book = /^\/book\/([0-9a-f-]{36})$/i.exec(path);
  if (visit) showTicket(visit[1]);
  else if (book && config.features.appointments) void showBooking(book[1]);
  else if (join && config.features.joinQueue) void showJoin(join[1]);
  else if (path === '/visits') showVisits();
  else void showBusiness();
  showNotice();
}

function start(): void {
  applyLanguage();
  // A QR code for one queue opens ...?queue=<id>: straight to its join form.
  const queue = new URLSearchParams(location.search).get('queue');
  if (queue && !location.hash) history.replaceState(null, '', `#/join/${queue}`);
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => {
    online = true;
    showNotice();
  });
  window.addEventListener('offline', () => {
    online = false;
    showNotice();
  });
  route();
  if ('serviceWorker' in navigator) {
    const hadController = !!navigator.serviceWorker.controller;
    // A new version took over: load its shell once, so page and cache agree.
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (hadController) location.reload();
    });
    navigator.serviceWorker.register('sw.js').catch(() => undefined);
  }
}

start();
