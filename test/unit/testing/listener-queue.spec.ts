import { Injectable } from '@nestjs/common';
import { OnTaskEvent, TaskHandler, defineTask, type TaskEvent } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// An @OnTaskEvent filtered by name, without a queue, follows the queue that
// name's tasks go to, as enqueue sends them: a listener by definition or by
// the name of a handler in another queue used to follow 'default' and never
// fire.

const Send = defineTask<{ to: string }, { ok: boolean }>('email.send', { queue: 'emails' });

@Injectable()
class MailTasks {
  readonly heard: string[] = [];

  @TaskHandler(Send)
  send() {
    return { ok: true };
  }

  @TaskHandler('report.build', { queue: 'reports' })
  build() {
    return 'built';
  }

  @OnTaskEvent('completed', { name: Send })
  byDefinition(event: TaskEvent) {
    this.heard.push(`definition ${event.queue} ${event.name}`);
  }

  @OnTaskEvent('completed', { name: 'report.build' })
  byHandlerName(event: TaskEvent) {
    this.heard.push(`name ${event.queue} ${event.name}`);
  }

  @OnTaskEvent('completed')
  defaultQueue(event: TaskEvent) {
    this.heard.push(`default ${event.queue} ${event.name}`);
  }
}

describe('@OnTaskEvent by name without a queue', () => {
  it("follows the queue of the name's tasks: the handler's, or the definition's", async () => {
    const t = await startTestingApp([MailTasks], { mode: 'fake' });
    try {
      await t.queue.enqueue(Send, { to: 'ada@example.com' });
      await t.queue.enqueue('report.build', null);
      await t.tester.drain();
      expect(t.get(MailTasks).heard.sort()).toEqual(['definition emails email.send', 'name reports report.build']);
    } finally {
      await t.close();
    }
  });
});
