import { ReplyOrder } from '../../../lib/worker/reply-order.js';

/** A call the test answers or fails by hand. */
function held<T>() {
  let answer!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  return { promise, answer, fail };
}

describe('ReplyOrder', () => {
  it('reads a reply only once every call sent before it has been read', async () => {
    const order = new ReplyOrder();
    const read: string[] = [];
    const first = held<string>();
    const second = held<string>();
    const sentFirst = order.send(() => first.promise);
    const sentSecond = order.send(() => second.promise);
    second.answer('b');
    const { ticket: t2, reply: r2 } = await sentSecond;
    const readSecond = order.deliver(t2, () => read.push(r2));
    await Promise.resolve();
    expect(read).toEqual([]);
    first.answer('a');
    const { ticket: t1, reply: r1 } = await sentFirst;
    await order.deliver(t1, () => read.push(r1));
    await readSecond;
    expect(read).toEqual(['a', 'b']);
  });

  it('lets later replies go on past a call that failed, whether it threw or rejected', async () => {
    const order = new ReplyOrder();
    const read: string[] = [];
    const rejected = held<string>();
    const sentRejected = order.send(() => rejected.promise);
    const sentThrown = order.send((): Promise<string> => {
      throw new Error('not sent');
    });
    const later = order.send(() => Promise.resolve('c'));
    const { ticket, reply } = await later;
    const reading = order.deliver(ticket, () => read.push(reply));
    await expect(sentThrown).rejects.toThrow('not sent');
    expect(read).toEqual([]);
    rejected.fail(new Error('refused'));
    await expect(sentRejected).rejects.toThrow('refused');
    await reading;
    expect(read).toEqual(['c']);
  });

  it('rejects the delivery whose read threw, and still reads the next', async () => {
    const order = new ReplyOrder();
    const a = await order.send(() => Promise.resolve(1));
    const b = await order.send(() => Promise.resolve(2));
    const readB = order.deliver(b.ticket, () => b.reply * 10);
    await expect(
      order.deliver(a.ticket, () => {
        throw new Error('bad reply');
      }),
    ).rejects.toThrow('bad reply');
    await expect(readB).resolves.toBe(20);
  });

  it('lets later replies go on past a ticket whose reader failed before reading it, and ignores a drop of one already read', async () => {
    const order = new ReplyOrder();
    const a = await order.send(() => Promise.resolve('a'));
    const b = await order.send(() => Promise.resolve('b'));
    const read: string[] = [];
    const readB = order.deliver(b.ticket, () => read.push(b.reply));
    order.drop(a.ticket);
    await readB;
    order.drop(b.ticket);
    const c = await order.send(() => Promise.resolve('c'));
    await order.deliver(c.ticket, () => read.push(c.reply));
    expect(read).toEqual(['b', 'c']);
  });
});
