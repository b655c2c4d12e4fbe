import { describe, expect, it } from 'vitest';
import { pollLastGood } from './poll-last-good.ts';
import type { Checked } from './poll-last-good.ts';

function numberInput(initial: string) {
  const input = { text: initial, failRead: false };
  const events: string[] = [];
  const polled = pollLastGood(
    { raw: initial, value: Number(initial) },
    {
      read: () => (input.failRead ? Promise.reject(new Error('EACCES')) : Promise.resolve(input.text)),
      same: (a, b) => a === b,
      check: (text): Checked<number> =>
        Number.isFinite(Number(text))
          ? { ok: true, value: Number(text) }
          : { ok: false, error: `not a number: ${text}` },
      onReadError: (error) => events.push(`read error ${String(error)}`),
      onRefused: (error) => events.push(`refused ${error}`),
      onInstalled: (value) => events.push(`installed ${String(value)}`),
      pollMs: 60_000,
    },
  );
  return { input, events, polled };
}

describe('pollLastGood', () => {
  it('installs a changed input that passes its check and ignores an unchanged one', async () => {
    const { input, events, polled } = numberInput('1');
    expect(await polled.reload()).toBe('unchanged');
    input.text = '2';
    expect(await polled.reload()).toBe('installed');
    expect(polled.current()).toBe(2);
    expect(events).toEqual(['installed 2']);
    polled.close();
  });

  it('keeps the last good value over a refused input and reports each refusal once', async () => {
    const { input, events, polled } = numberInput('1');
    input.text = 'x';
    expect(await polled.reload()).toBe('rejected');
    expect(await polled.reload()).toBe('rejected');
    input.text = 'y';
    expect(await polled.reload()).toBe('rejected');
    expect(polled.current()).toBe(1);
    expect(events).toEqual(['refused not a number: x', 'refused not a number: y']);
    input.text = '3';
    expect(await polled.reload()).toBe('installed');
    input.text = 'x';
    expect(await polled.reload()).toBe('rejected');
    expect(events.at(-1)).toBe('refused not a number: x');
    polled.close();
  });

  it('keeps the last good value when the input cannot be read', async () => {
    const { input, events, polled } = numberInput('5');
    input.failRead = true;
    expect(await polled.reload()).toBe('rejected');
    expect(polled.current()).toBe(5);
    expect(events).toEqual(['read error Error: EACCES']);
    polled.close();
  });

  it('treats refusals with the same key as one', async () => {
    const events: string[] = [];
    let text = 'a';
    const polled = pollLastGood(
      { raw: 'ok', value: 'ok' },
      {
        read: () => Promise.resolve(text),
        same: (a, b) => a === b,
        check: (next): Checked<string> =>
          next === 'ok' ? { ok: true, value: next } : { ok: false, error: 'bad' },
        refusalKey: (next, error) => `${error}:${String(next.length)}`,
        onReadError: () => undefined,
        onRefused: (error) => events.push(error),
        onInstalled: () => undefined,
        pollMs: 60_000,
      },
    );
    await polled.reload();
    text = 'b';
    await polled.reload();
    text = 'bb';
    await polled.reload();
    expect(events).toEqual(['bad', 'bad']);
    polled.close();
  });
});
