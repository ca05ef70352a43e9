import { periodsPerYear, type Compounding, type RoiResult } from './contract';

const cents = (x: number) => Math.round(x * 100) / 100;

/** Compound growth: P·(1 + r/n)^(n·t), or P·e^(r·t) when compounding continuously. */
export function compoundGrowth(input: {
  principal: number;
  annual_rate: number;
  years: number;
  compounding: Compounding;
}): RoiResult {
  const { principal, annual_rate, years, compounding } = input;
  const finalValue =
    compounding === 'continuously'
      ? principal * Math.exp(annual_rate * years)
      : principal * Math.pow(1 + annual_rate / periodsPerYear[compounding], periodsPerYear[compounding] * years);
  if (!Number.isFinite(finalValue))
    throw new RangeError('the result is too large to represent; use a smaller principal, rate or horizon');
  const gain = finalValue - principal;
  return {
    principal,
    annual_rate,
    years,
    compounding,
    final_value: cents(finalValue),
    gain: cents(gain),
    roi_percent: Math.round((gain / principal) * 100 * 100) / 100,
  };
}
