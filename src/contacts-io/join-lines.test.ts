import { describe, expect, it } from 'vitest';
import { joinLines } from './join-lines';

describe('joinLines', () => {
  it('puts the lines of a value on one line, without blank or edge lines', () => {
    expect(joinLines('1 Main St\r\n\r\n  Springfield \nUSA\r')).toBe('1 Main St, Springfield, USA');
    expect(joinLines('\nonly')).toBe('only');
  });
});
