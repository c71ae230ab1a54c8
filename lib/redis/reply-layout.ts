import { REPLIES } from './protocol.js';

type Replies = typeof REPLIES;
type HeadOf<R extends keyof Replies> = Replies[R]['head'][number];
type RowOf<R extends keyof Replies> = Replies[R] extends { row: ReadonlyArray<infer F extends string> } ? F : never;

/** Where each field of a reply sits in the array ioredis returns (0-based), from REPLIES in protocol.ts. */
export interface ReplyLayout<R extends keyof Replies> {
  head: { readonly [K in HeadOf<R>]: number };
  /** Index of the first row. */
  rowFirst: number;
  rowWidth: number;
  /** Offset of each field within a row. */
  row: { readonly [K in RowOf<R>]: number };
}

/** The layout of one reply. */
export function replyLayout<R extends keyof Replies>(reply: R): ReplyLayout<R> {
  const layout: { head: readonly string[]; row?: readonly string[] } = REPLIES[reply];
  const indexOf = (fields: readonly string[]) => Object.fromEntries(fields.map((field, i) => [field, i]));
  return {
    head: indexOf(layout.head),
    rowFirst: layout.head.length,
    rowWidth: layout.row?.length ?? 0,
    row: indexOf(layout.row ?? []),
  } as ReplyLayout<R>;
}
