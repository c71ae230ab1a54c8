import type { Logger } from '@nestjs/common';
import { OutageReporter } from '../../../lib/worker/outage-reporter.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';

// One start line and one end line per outage, however many kinds of call fail
// and in whatever order they come back; a kind that keeps failing while others
// work keeps the outage open instead of ending and restarting it each time.

function reporter() {
  const lines: string[] = [];
  const logger = { warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) } as unknown as Logger;
  return { outage: new OutageReporter('q', logger, new WorkerEvents()), lines };
}

describe('OutageReporter', () => {
  it('keeps one outage open while one kind of call fails on and others work, and ends it once that kind works', () => {
    const { outage, lines } = reporter();
    for (let i = 0; i < 5; i++) {
      outage.failed('renew', new Error('OOM'), 'could not renew leases (OOM); will retry');
      outage.recovered('fetch');
      outage.recovered('recover');
    }
    expect(lines).toEqual(["warn queue 'q': could not renew leases (OOM); will retry"]);
    outage.recovered('renew');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^warn queue 'q': Redis calls work again \(after \d+ ms of failures\)$/);
  });

  it('ends an outage of several kinds once the last of them works again, and says nothing for a call that never failed', () => {
    const { outage, lines } = reporter();
    outage.recovered('fetch');
    expect(lines).toEqual([]);
    outage.failed('fetch', new Error('down'), 'fetching failed (down); retrying');
    outage.failed('renew', new Error('down'), 'could not renew leases (down); will retry');
    outage.recovered('fetch');
    expect(lines).toHaveLength(1);
    outage.recovered('renew');
    expect(lines).toHaveLength(2);
    // A new outage is a new start line.
    outage.failed('recover', new Error('down'), 'could not recover expired leases (down); will retry');
    expect(lines).toHaveLength(3);
  });

  it('lets a call given up on no longer hold the outage open', async () => {
    const { outage, lines } = reporter();
    const gaveUp = await outage.retry('settle', () => Promise.reject(new Error('refused')), () => false, 'could not record');
    expect(gaveUp).toBeNull();
    expect(lines).toEqual(["error queue 'q': could not record (refused)"]);
    outage.failed('fetch', new Error('down'), 'fetching failed (down); retrying');
    outage.recovered('fetch');
    expect(lines.slice(1)).toEqual(["warn queue 'q': fetching failed (down); retrying", expect.stringMatching(/Redis calls work again/)]);
  });

  it('returns what a retried call answered even when the logger throws on the line that says calls work again', async () => {
    const logger = {
      warn: (m: string) => {
        if (m.includes('work again')) throw new Error('log sink down');
      },
      error: () => undefined,
    } as unknown as Logger;
    const outage = new OutageReporter('q', logger, new WorkerEvents());
    let calls = 0;
    const answer = await outage.retry(
      'settle',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('down');
        return 'reply';
      },
      () => true,
      'gave up',
    );
    expect({ answer, calls }).toEqual({ answer: 'reply', calls: 2 });
  });
});

