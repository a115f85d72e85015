import { compareLine, createLine, orderLine, positionIn, type LinePlace } from './positions';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 15, 9, minute));
const place = (id: string, priority: number, minute: number, ticketNumber: number): LinePlace => ({
  id,
  priority,
  lineAt: at(minute),
  ticketNumber,
});

describe('the line', () => {
  it('serves the earlier arrival first at equal priority', () => {
    const line = createLine([place('c', 0, 3, 3), place('a', 0, 1, 1), place('b', 0, 2, 2)]);
    expect(line.places.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(positionIn(line, 'a')).toBe(1);
    expect(positionIn(line, 'c')).toBe(3);
  });

  it('puts a higher priority ahead of earlier arrivals', () => {
    const line = createLine([place('a', 0, 1, 1), place('b', 0, 2, 2), place('vip', 5, 9, 9)]);
    expect(line.places.map((p) => p.id)).toEqual(['vip', 'a', 'b']);
    expect(positionIn(line, 'a')).toBe(2);
  });

  it('orders a lower priority behind later arrivals', () => {
    expect(orderLine([place('late', -1, 0, 1), place('b', 0, 5, 2)]).map((p) => p.id)).toEqual(['b', 'late']);
  });

  it('breaks a tie of arrival time by the ticket number, then by id', () => {
    expect(orderLine([place('x', 0, 1, 7), place('y', 0, 1, 6)]).map((p) => p.id)).toEqual(['y', 'x']);
    expect(compareLine(place('a', 0, 1, 1), place('b', 0, 1, 1))).toBeLessThan(0);
    expect(compareLine(place('a', 0, 1, 1), place('a', 0, 1, 1))).toBe(0);
  });

  it('has no position for a visit that is not waiting in it', () => {
    expect(positionIn(createLine([place('a', 0, 1, 1)]), 'zzz')).toBeNull();
  });

  it('moves everybody up when the head leaves', () => {
    const places = [place('a', 0, 1, 1), place('b', 0, 2, 2), place('c', 0, 3, 3)];
    const after = createLine(places.filter((p) => p.id !== 'a'));
    expect([positionIn(after, 'b'), positionIn(after, 'c')]).toEqual([1, 2]);
  });
});
