/**
 * Checks the price a client quoted (taxes, fees, total) before the pipeline uses it: the right currency,
 * exact amounts, nothing negative. The pipeline re-prices the room nights itself; taxes and fees are
 * taken as quoted, so a malformed quote is refused as an invalid request instead of failing a processor.
 */
import type { PricingDetails } from '../../schemas/generated/types.js';
import type { Property } from '../domain/reference-data.js';
import { fromEventMoney } from './event-values.js';

/** Why the quote cannot be used, or undefined when it can. */
export function quoteProblem(quote: PricingDetails, property: Property): string | undefined {
  for (const [name, amount] of [
    ['totalAmount', quote.totalAmount],
    ['taxes', quote.taxes],
    ['fees', quote.fees],
  ] as const) {
    if (amount.currency !== property.currency) {
      return `pricingDetails.${name} is in ${amount.currency}; prices of ${property.propertyId} are in ${property.currency}`;
    }
    try {
      if (fromEventMoney(amount).minor < 0) return `pricingDetails.${name} must not be negative`;
    } catch {
      return `pricingDetails.${name} ${amount.amount} is not an exact ${property.currency} amount`;
    }
  }
  return undefined;
}
