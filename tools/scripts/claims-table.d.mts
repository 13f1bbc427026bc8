// Types of the helpers claims-table.mjs exports (tests/claims-table.test.ts reads the table with them).
export const START: string;
export const END: string;
export interface VerdictCounts {
  agrees: number;
  disagrees: number;
  inconclusive: number;
  /** Of the disagreeing verdicts, those that test a popular claim. */
  popular?: number;
}
export const POPULAR: RegExp;
export function markdownCell(text: string): string;
export function statusOf(counts: VerdictCounts): string;
export function countsText(counts: VerdictCounts): string;
export function parseTable(readme: string): Map<string, { domain: string | null; claim: string; cells: string[] }>;
