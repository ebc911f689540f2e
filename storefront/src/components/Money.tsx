// Money is integer minor units (cents) with an ISO currency: formatted for the reader's locale.

export function formatMoney(amount: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount / 100);
}

export function Money({ value }: { value: { amount: number; currency: string } }) {
  return <span className="money">{formatMoney(value.amount, value.currency)}</span>;
}
