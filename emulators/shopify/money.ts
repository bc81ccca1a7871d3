/** Money is computed in integer cents and rendered as exact decimal strings. */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function moneySet(cents: number, shopCurrency: string, presentmentCurrency: string, rate: number) {
  return {
    shop_money: { amount: money(cents), currency_code: shopCurrency },
    presentment_money: { amount: money(Math.round(cents * rate)), currency_code: presentmentCurrency },
  };
}
