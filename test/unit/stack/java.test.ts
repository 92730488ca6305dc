import { describe, expect, it } from 'vitest';
import { findJava, parseJavaVersion } from '../../../stack/java.js';

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "25.0.1" 2025-10-21 LTS', 25],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
  ])('reads %s as Java %i', (output, major) => {
    expect(parseJavaVersion(output)).toBe(major);
  });

  it('returns undefined for output without a version', () => {
    expect(parseJavaVersion('bash: java: command not found')).toBeUndefined();
  });
});

describe('findJava', () => {
  it('explains what it tried and which variable to set when no JDK is new enough', async () => {
    await expect(findJava(99, 'A future service', ['JAVA99_HOME'])).rejects.toMatchObject({
      code: 'STRM_ERR_STACK_JAVA_NOT_FOUND',
      retriable: false,
      message: expect.stringMatching(/A future service needs Java 99 or newer.*JAVA99_HOME or JAVA_HOME/s),
    });
  });
});
