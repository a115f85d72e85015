import { chooseLanguage, isRightToLeft, translator } from './i18n';
import { VisitStore, type HeldVisit, type Visit } from './store';

describe('texts', () => {
  it('fills placeholders and falls back from a regional tag to its language, then to English', () => {
    expect(translator('de')('waiting', { count: 3 })).toBe('3 warten');
    expect(translator('de-AT')('goToCounter', { counter: '2' })).toBe('Bitte gehen Sie zu Schalter 2.');
    expect(translator('xx')('yourTurn')).toBe('It’s your turn!');
  });

  it('chooses the saved language, else the first of the device the business offers, else its default', () => {
    expect(chooseLanguage(['en', 'de', 'ar'], 'en', 'ar', ['de-DE'])).toBe('ar');
    expect(chooseLanguage(['en', 'de'], 'en', null, ['fr-FR', 'de-CH'])).toBe('de');
    expect(chooseLanguage(['en', 'de'], 'de', 'tr', ['fr'])).toBe('de');
    expect(chooseLanguage(['ar'], 'en', null, [])).toBe('ar');
  });

  it('lays Arabic and Hebrew out right to left', () => {
    expect([isRightToLeft('ar'), isRightToLeft('he-IL'), isRightToLeft('de')]).toEqual([true, true, false]);
  });
});

/** Storage as browsers implement it, over a Map. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const visit = (id: string, status: Visit['status']): HeldVisit => ({
  id,
  token: `vt_${id}`,
  sequence: null,
  savedAt: '2026-12-02T00:00:00.000Z',
  visit: { id, status } as Visit,
});

describe('VisitStore', () => {
  it("keeps each business's visits apart, active ones first, at most 20", () => {
    const storage = new MemoryStorage();
    const store = new VisitStore('b1', storage);
    store.save(visit('done', 'DONE'));
    store.save(visit('waiting', 'WAITING'));
    for (let i = 0; i < 25; i += 1) store.save(visit(`old-${i}`, 'CANCELLED'));
    const all = store.all();
    expect(all).toHaveLength(20);
    expect(all[0].id).toBe('waiting');
    expect(store.get('waiting')?.token).toBe('vt_waiting');
    expect(new VisitStore('b2', storage).all()).toEqual([]);
  });

  it('reads a damaged entry as no visits rather than failing', () => {
    const storage = new MemoryStorage();
    storage.setItem('wlq:b1:visits', '{not json');
    expect(new VisitStore('b1', storage).all()).toEqual([]);
  });
});
