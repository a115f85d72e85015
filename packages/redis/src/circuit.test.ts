import { createCircuit, RedisUnavailableError } from './circuit';

describe('createCircuit', () => {
  let time = 0;
  const circuit = () => createCircuit({ failureThreshold: 3, minStreakMs: 500, openMs: 1_000, now: () => time });
  beforeEach(() => (time = 0));

  it('opens after the threshold of failures in a row spread over the minimum streak, and only then', () => {
    const c = circuit();
    c.failed();
    c.failed();
    c.succeeded();
    c.failed();
    c.failed();
    c.failed();
    // A burst in one instant (a stall of our own event loop) is not a hung Redis.
    expect(c.state()).toBe('closed');
    time = 500;
    c.failed();
    expect(c.state()).toBe('open');
    expect(() => c.admit()).toThrow(RedisUnavailableError);
  });

  it('lets one probe through after the open period; a success closes it, a failure reopens it', () => {
    const c = circuit();
    for (let i = 0; i < 3; i++) c.failed();
    time = 500;
    c.failed();
    time = 1_500;
    expect(c.state()).toBe('half-open');
    c.admit();
    expect(() => c.admit()).toThrow(/half-open/);
    c.failed();
    expect(c.state()).toBe('open');
    time = 2_500;
    c.admit();
    c.succeeded();
    expect(c.state()).toBe('closed');
    expect(() => c.admit()).not.toThrow();
  });
});
