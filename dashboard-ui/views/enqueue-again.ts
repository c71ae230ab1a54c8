import { actionButton } from '../actions.js';
import { READ_ONLY } from '../api.js';
import { fill, h } from '../dom.js';

/** A task page's "Enqueue again" section, and what its page tells it at each refresh. */
export interface EnqueueAgain {
  section: HTMLElement;
  /** Shows the task's name and (unless the reader has edited it) its payload. */
  show(name: string, payload: unknown): void;
  hide(): void;
}

/** The payload the editor holds, or why it is not JSON. */
function parse(text: string): { payload: unknown } | { problem: string } {
  try {
    return { payload: JSON.parse(text) as unknown };
  } catch (error) {
    // Said first in the page's words; the parser's own (where it stopped) follows.
    return { problem: `the payload is not JSON (${(error as Error).message})` };
  }
}

/**
 * The section that enqueues a new task of the same name and queue with the
 * payload as edited. Built once, outside the part each refresh redraws, so the
 * editor keeps its focus and text while the page updates. A payload that is
 * not JSON is marked on the editor (aria-invalid), with the reason beside it
 * as its description, until it is JSON again. Null in read-only mode.
 */
export function enqueueAgain(queue: string, path: string): EnqueueAgain | null {
  if (READ_ONLY) return null;
  const editor = h('textarea', { class: 'editor', rows: 8, spellcheck: 'false', 'aria-label': 'payload to enqueue' });
  const error = h('p', { id: 'payload-error', class: 'field-error', hidden: true });
  const mark = (problem: string | null) => {
    error.textContent = problem ?? '';
    error.hidden = problem === null;
    if (problem === null) {
      editor.removeAttribute('aria-invalid');
      editor.removeAttribute('aria-describedby');
    } else {
      editor.setAttribute('aria-invalid', 'true');
      editor.setAttribute('aria-describedby', error.id);
    }
  };
  let edited = false;
  editor.addEventListener('input', () => {
    edited = true;
    if (editor.hasAttribute('aria-invalid') && 'payload' in parse(editor.value)) mark(null);
  });
  const note = h('p', { class: 'muted' });
  const button = actionButton(
    'Enqueue again',
    `${path}/enqueue-again`,
    (ref) => {
      edited = false;
      const created = ref as { id: string; queue: string };
      location.hash = `#/queues/${encodeURIComponent(created.queue)}/tasks/${encodeURIComponent(created.id)}`;
    },
    {
      body: () => {
        const parsed = parse(editor.value);
        mark('problem' in parsed ? parsed.problem : null);
        if ('problem' in parsed) throw new Error(parsed.problem);
        return parsed;
      },
    },
  );
  const section = h('section', { class: 'card' }, h('h2', {}, 'Enqueue again'), note, editor, error, h('div', { class: 'actions' }, button));
  return {
    section,
    show(name, payload) {
      section.hidden = false;
      if (!edited) editor.value = JSON.stringify(payload, null, 2) ?? '';
      fill(note, `A new ${name} task in ${queue} with this payload (edit it first if you like).`);
    },
    hide() {
      section.hidden = true;
    },
  };
}
