/** The sum of a metric's samples on a service's /metrics, those whose labels contain `labels`. */
export async function scrape(baseUrl: string, name: string, labels = ''): Promise<number> {
  return sumOf(await metricsText(baseUrl), name, labels);
}

/** A service's /metrics as text: read once, then summed by `sumOf` for each metric needed. */
export async function metricsText(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/metrics`)).text();
}

/** The sum of a metric's samples in a /metrics text, those whose labels contain `labels`. */
export function sumOf(text: string, name: string, labels = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (labels && !rest.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
