import { COMPANIES } from './catalog-people';
import type { Country } from './catalog-geo';
import type { Rng } from './prng';
import { breakLine, type LineBreak } from './text';

export interface Place {
  address1: string;
  address2: string | null;
  city: string;
  province: string | null;
  province_code: string | null;
  country: string;
  country_code: string;
  zip: string;
  company: string | null;
  phone: string | null;
  latitude: number | null;
  longitude: number | null;
}

const LETTERS = 'ABCEGHJKLMNPRSTVXY';

export function randomPlace(rng: Rng, country: Country): Place {
  const province = country.provinces ? rng.pick(country.provinces) : null;
  const number = rng.int(1, 9999);
  const street = rng.pick(country.streets);
  return {
    // Street numbers go after the street name in much of Europe and Latin America.
    address1:
      country.code === 'JP'
        ? street
        : ['DE', 'NL', 'ES', 'BR', 'MX'].includes(country.code)
          ? `${street} ${number}`
          : `${number} ${street}`,
    address2: rng.weighted([
      [null, 70],
      [`Apt ${rng.int(1, 40)}${rng.pick(['', 'B', 'C'])}`, 20],
      ['c/o "Front desk", Floor 2', 5],
      ['', 5],
    ]),
    city: rng.pick(country.cities),
    province: province ? province[0] : null,
    province_code: province ? province[1] : null,
    country: country.name,
    country_code: country.code,
    zip: country.zip(
      (n) => rng.digits(n),
      () => LETTERS[rng.int(0, LETTERS.length - 1)],
    ),
    company: rng.chance(0.12) ? rng.pick(COMPANIES) : null,
    phone: rng.chance(0.5) ? `${country.phonePrefix}${rng.digits(10)}` : null,
    latitude: rng.chance(0.7) ? Math.round((rng.next() * 140 - 70) * 1e6) / 1e6 : null,
    longitude: rng.chance(0.7) ? Math.round((rng.next() * 360 - 180) * 1e6) / 1e6 : null,
  };
}

type Located = { address1: string; city: string; province: string | null };

/** The address with `br` in its street, city and province (and no comma or quote); unchanged without `br`. */
export function brokenPlace<T extends Located>(place: T, br: LineBreak | undefined): T {
  if (!br) return place;
  return {
    ...place,
    address1: breakLine(place.address1, br, 'Rear'),
    city: breakLine(place.city, br, 'Centre'),
    province: place.province === null ? null : breakLine(place.province, br, 'Region'),
  };
}

export function fullName(first: string | null, last: string | null): string {
  return [first, last].filter((s) => s).join(' ');
}

export function customerAddress(
  place: Place,
  ids: { id: number; customer_id: number },
  first: string | null,
  last: string | null,
  isDefault: boolean,
) {
  return {
    id: ids.id,
    customer_id: ids.customer_id,
    first_name: first,
    last_name: last,
    company: place.company,
    address1: place.address1,
    address2: place.address2,
    city: place.city,
    province: place.province,
    country: place.country,
    zip: place.zip,
    phone: place.phone,
    name: fullName(first, last),
    province_code: place.province_code,
    country_code: place.country_code,
    country_name: place.country,
    default: isDefault,
  };
}

export type CustomerAddress = ReturnType<typeof customerAddress>;

export function orderAddress(place: Place, first: string | null, last: string | null) {
  return {
    first_name: first,
    address1: place.address1,
    phone: place.phone,
    city: place.city,
    zip: place.zip,
    province: place.province,
    country: place.country,
    last_name: last,
    address2: place.address2,
    company: place.company,
    latitude: place.latitude,
    longitude: place.longitude,
    name: fullName(first, last),
    country_code: place.country_code,
    province_code: place.province_code,
  };
}

export type OrderAddress = ReturnType<typeof orderAddress>;

export function placeOf(a: CustomerAddress): Place {
  return {
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    province_code: a.province_code,
    country: a.country,
    country_code: a.country_code,
    zip: a.zip,
    company: a.company,
    phone: a.phone,
    latitude: null,
    longitude: null,
  };
}
