/** What the app shows of a visit (schema/operations/pwa/PwaVisit.fragment.graphql). */
export interface Visit {
  id: string;
  ticket: string | null;
  status: 'PENDING' | 'BOOKED' | 'WAITING' | 'CALLED' | 'SERVING' | 'DONE' | 'NO_SHOW' | 'CANCELLED';
  kind: 'WALK_IN' | 'APPOINTMENT';
  scheduledAt: string | null;
  checkInDeadline: string | null;
  cancellableUntil: string | null;
  position: number | null;
  estimatedWaitMinutes: number | null;
  customerName: string | null;
  partySize: number;
  counter: string | null;
  joinedAt: string | null;
  calledAt: string | null;
  service: { id: string; name: string } | null;
  queue: { id: string; name: string; status: string; waitingCount: number } | null;
}

/** A visit this device holds the token of, with the last state seen (shown offline). */
export interface HeldVisit {
  id: string;
  token: string;
  /** The newest visitUpdated event applied; the subscription resumes after it. */
  sequence: number | null;
  visit: Visit;
  savedAt: string;
}

export const activeStatuses: ReadonlySet<Visit['status']> = new Set(['PENDING', 'BOOKED', 'WAITING', 'CALLED', 'SERVING']);

/**
 * Visit tokens and last states in localStorage, per business (one origin serves every
 * business's app). The token is the only way back to a visit without an account.
 */
export class VisitStore {
  private readonly key: string;
  constructor(
    businessId: string,
    private readonly storage: Storage = localStorage,
  ) {
    this.key = `wlq:${businessId}:visits`;
  }

  all(): HeldVisit[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? (parsed as HeldVisit[]) : [];
    } catch {
      return [];
    }
  }

  get(id: string): HeldVisit | undefined {
    return this.all().find((held) => held.id === id);
  }

  save(held: HeldVisit): void {
    // Newest first; a device keeps at most 20 (ended visits go first).
    const others = this.all().filter((entry) => entry.id !== held.id);
    const kept = [held, ...others].sort((a, b) => Number(activeStatuses.has(b.visit.status)) - Number(activeStatuses.has(a.visit.status))).slice(0, 20);
    this.storage.setItem(this.key, JSON.stringify(kept));
  }
}

export class Preferences {
  constructor(private readonly storage: Storage = localStorage) {}
  get language(): string | null {
    return this.storage.getItem('wlq:language');
  }
  set language(value: string | null) {
    if (value) this.storage.setItem('wlq:language', value);
  }
  cached<T>(key: string): T | null {
    try {
      return JSON.parse(this.storage.getItem(`wlq:cache:${key}`) ?? 'null') as T | null;
    } catch {
      return null;
    }
  }
  cache(key: string, value: unknown): void {
    this.storage.setItem(`wlq:cache:${key}`, JSON.stringify(value));
  }
}
