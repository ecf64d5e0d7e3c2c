import { describe, expect, it } from 'vitest';
import { columnsToCsv, csvField, tableToCsv } from './csv';

describe('CSV export', () => {
  it('writes one row per timestamp with ISO times and empty gaps', () => {
    expect(columnsToCsv(['a', 'b'], [[0, 60], [1, null], [2.5, 3]])).toBe('time,a,b\r\n1970-01-01T00:00:00.000Z,1,2.5\r\n1970-01-01T00:01:00.000Z,,3\r\n');
  });
  it('quotes series names holding commas, quotes and line breaks', () => {
    expect(csvField('up{job="a", instance="b"}')).toBe('"up{job=""a"", instance=""b""}"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('plain')).toBe('plain');
  });
  it('defuses spreadsheet formulas in labels but not negative numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1.5')).toBe('-1.5');
  });
  it('writes instant results with a column per label', () => {
    expect(tableToCsv([{ metric: { job: 'a', instance: 'x' }, value: '1' }, { metric: { job: 'b' }, value: 'NaN' }])).toBe('instance,job,value\r\nx,a,1\r\n,b,NaN\r\n');
  });
});
