import { Injectable } from '@nestjs/common';
import { OnTaskEvent, TaskHandler, type TaskEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// @OnTaskEvent('completed', { name }) is a broadcast, not a work queue: every
// app instance carrying the listener gets every completion of that name, made
// by any instance's worker, once, and nothing else. Here the producer app has
// no worker, so each completion it hears happened in the other instance.

@Injectable()
class MessageTasks {
  @TaskHandler('email.send', { queue: 'messages' })
  email(payload: { n: number; fail?: boolean }) {
    if (payload.fail) throw new Error('mailbox full');
    return { sent: payload.n };
  }

  @TaskHandler('sms.send', { queue: 'messages' })
  sms(payload: { n: number }) {
    return { texted: payload.n };
  }
}

@Injectable()
class EmailAudit {
  readonly heard: TaskEvent[] = [];

  @OnTaskEvent('completed', { name: 'email.send', queue: 'messages' })
  onEmailSent(event: TaskEvent) {
    this.heard.push(event);
  }
}

describe('@OnTaskEvent across app instances', () => {
  const prefix = uniquePrefix('ev-on');
  let producer: TaskApp;
  let worker: TaskApp;

  beforeAll(async () => {
    worker = await startTaskApp(prefix, [MessageTasks, EmailAudit]);
    producer = await startTaskApp(prefix, [EmailAudit], { worker: false });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.close();
    await removePrefix(prefix);
  });

  it("hands each instance's listener exactly the completed events of that name", async () => {
    const emails = await producer.queue.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ name: 'email.send', payload: { n }, options: { queue: 'messages' } })));
    const texts = await producer.queue.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ name: 'sms.send', payload: { n }, options: { queue: 'messages' } })));
    const bounced = await producer.queue.enqueueMany(
      Array.from({ length: 3 }, (_, n) => ({ name: 'email.send', payload: { n, fail: true }, options: { queue: 'messages' } })),
    );
    const all = [...emails, ...texts, ...bounced];
    await waitUntil(async () => {
      const states = await Promise.all(all.map(async (ref) => (await producer.queue.get(ref))?.state));
      return states.every((s) => s === 'completed' || s === 'dead');
    }, 'all 43 tasks to finish');
    const audits = [producer.get(EmailAudit), worker.get(EmailAudit)];
    await waitUntil(() => audits.every((a) => a.heard.length >= emails.length), 'both listeners to hear every email');
    // Room for anything that should not come (a repeat, an sms, a dead email) to arrive.
    await sleep(300);

    const expected = emails.map((r) => r.id).sort();
    for (const audit of audits) {
      expect(audit.heard.map((e) => e.id).sort()).toEqual(expected);
      for (const event of audit.heard) {
        expect(event).toMatchObject({ type: 'completed', name: 'email.send', queue: 'messages', attempt: 1 });
        expect(event.result).toEqual({ sent: expect.any(Number) });
      }
    }
    expect(producer.get(EmailAudit)).not.toBe(worker.get(EmailAudit));
  });
});
