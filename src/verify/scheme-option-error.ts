/** A scheme option that is unknown, missing or invalid; `option` names it for the config error. */
export class SchemeOptionError extends Error {
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`option ${option} ${problem}`);
    this.name = 'SchemeOptionError';
    this.option = option;
  }
}
