import { inspect } from 'node:util';

/** A secret value that prints as `<secret>` everywhere: strings, JSON, `util.inspect` and logs. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call only where it is used, never to log or answer. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '<secret>';
  }

  toJSON(): string {
    return '<secret>';
  }

  [inspect.custom](): string {
    return '<secret>';
  }
}
