// Deterministic in-memory data of the benchmark (data.json): 6 users, 9 products, 11 reviews.
import { readFileSync } from 'node:fs';

const data = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8'));
export const { users, products, inventory, reviews } = data;

// Free shipping above 700, else one unit per 2 weight units (needs @requires price weight).
export const shippingEstimate = (price, weight) =>
  price == null || weight == null ? null : price > 700 ? 0 : Math.round(weight / 2);
