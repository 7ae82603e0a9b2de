#!/usr/bin/env node
/**
 * Generates the example project's raw seeds: seeds/raw_orders.csv and seeds/raw_customers.csv.
 *
 * The data is messy on purpose (it reproduces the "from raw to ready" pipeline): duplicate order
 * ids (exact and updated re-deliveries), negative and missing amounts, unparseable timestamps,
 * mixed-case / padded categories and customer ids, a few nulls.
 *
 * Deterministic: a seeded PRNG and fixed dates, never Date.now(), so re-running it rewrites the
 * committed files byte for byte.   Usage: node scripts/generate-example-data.mjs
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from './prng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const rand = prng(20250901);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const pad2 = (n) => String(n).padStart(2, '0');

/** Format a UTC epoch-ms as 'YYYY-MM-DD HH:MM:SS' (sep ' ' or 'T'). */
function fmtTs(ms, sep = ' ') {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}${sep}` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}
const fmtDate = (ms) => fmtTs(ms).slice(0, 10);

/** RFC 4180 quoting; null → empty unquoted field, '' → quoted empty string. */
function csv(rows, header) {
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return s === '' || /[",\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n') + '\n';
}

// ---------------------------------------------------------------- customers
const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonas',
  'Kira', 'Liam', 'Mia', 'Noah', 'Olga', 'Paul', 'Quinn', 'Rosa', 'Sami', 'Tara'];
const LAST = ['Novak', 'Schmidt', 'Dubois', 'Rossi', 'Garcia', 'Jansen', 'Smith', 'Kowalski',
  'Nielsen', 'Silva', 'Meyer', 'Moreau'];
const COUNTRIES = ['DE', 'FR', 'NL', 'US', 'GB', 'ES'];
const N_CUSTOMERS = 40;
const customerIds = Array.from({ length: N_CUSTOMERS }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);

const day = 86_400_000;
const signupStart = Date.UTC(2024, 0, 1);
const customers = customerIds.map((id, i) => {
  const first = FIRST[i % FIRST.length];
  const last = LAST[(i * 7) % LAST.length];
  let email = `${first}.${last}${i + 1}@example.com`.toLowerCase();
  let country = pick(COUNTRIES);
  let customerId = id;
  // Messiness, at fixed positions so it is easy to find in the docs.
  if (i % 9 === 4) customerId = id.toLowerCase();          // 'c005'
  if (i % 11 === 7) customerId = ` ${id} `;                // ' C008 '
  if (i % 6 === 2) email = ` ${email.toUpperCase()} `;     // ' ADA.NOVAK3@EXAMPLE.COM '
  if (i === 16 || i === 29) email = null;                  // missing emails
  if (i % 8 === 5) country = ` ${country.toLowerCase()}`;  // ' de'
  const signup = i === 22 ? '' : fmtDate(signupStart + int(0, 600) * day);
  return { customer_id: customerId, name: `${first} ${last}`, email, country, signup_date: signup };
});

// ---------------------------------------------------------------- orders
const CATEGORIES = ['electronics', 'books', 'home', 'toys', 'grocery'];
const STATUSES = ['completed', 'completed', 'completed', 'shipped', 'pending', 'cancelled'];
const start = Date.UTC(2025, 8, 1);            // 2025-09-01
const end = Date.UTC(2025, 11, 31, 23, 59, 59); // 2025-12-31
const N_ORDERS = 380;

/** Customer weights: a few very active customers, a long tail. */
const weights = customerIds.map((_, i) => (i < 6 ? 6 : i < 20 ? 2 : 1));
const totalW = weights.reduce((a, b) => a + b, 0);
function pickCustomer() {
  let r = rand() * totalW;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return customerIds[i];
  return customerIds[customerIds.length - 1];
}

function messyCategory(c) {
  const r = rand();
  if (r < 0.15) return c[0].toUpperCase() + c.slice(1);  // 'Electronics'
  if (r < 0.25) return ` ${c} `;                         // ' electronics '
  if (r < 0.32) return c.toUpperCase();                  // 'ELECTRONICS'
  return c;
}
function messyCustomer(id) {
  const r = rand();
  if (r < 0.1) return `${id.toLowerCase()} `;  // 'c001 '
  if (r < 0.18) return id.toLowerCase();       // 'c001'
  if (r < 0.24) return ` ${id}`;               // ' C001'
  return id;
}

const times = Array.from({ length: N_ORDERS }, () => start + Math.floor(rand() * (end - start))).sort((a, b) => a - b);
const orders = times.map((ts, i) => {
  const status = pick(STATUSES);
  return {
    order_id: `O${String(i + 1).padStart(5, '0')}`,
    customer_id: messyCustomer(pickCustomer()),
    order_ts: fmtTs(ts, rand() < 0.12 ? 'T' : ' '),
    amount: (int(499, 25_000) / 100).toFixed(2),
    category: messyCategory(pick(CATEGORIES)),
    status: rand() < 0.1 ? status.toUpperCase() : status,
    updated_at: fmtTs(ts + int(1, 90) * 60_000),
    _ts: ts,
  };
});

// Broken values at spread-out positions (every k-th order, offset so they do not overlap).
const every = (k, off, f) => orders.forEach((o, i) => { if (i % k === off) f(o); });
every(97, 10, (o) => { o.order_ts = 'not a date'; });
every(89, 20, (o) => { o.order_ts = ''; });
every(101, 30, (o) => { o.order_ts = '2025-13-45 10:00:00'; });   // right shape, impossible month/day
every(131, 40, (o) => { o.order_ts = '2025-11-31 08:15:00'; });   // November has 30 days
every(53, 5, (o) => { o.amount = `-${o.amount}`; });              // refunds booked as negative amounts
every(157, 50, (o) => { o.amount = null; });
every(173, 60, (o) => { o.customer_id = null; });
every(149, 70, (o) => { o.category = null; });

// Re-deliveries: exact copies, and updated versions (later updated_at, new status / amount).
const extra = [];
every(31, 3, (o) => extra.push({ ...o, _ts: o._ts + int(1, 48) * 3_600_000 }));
every(61, 17, (o) => {
  const later = Date.parse(o.updated_at.replace(' ', 'T') + 'Z') + int(1, 3) * day;
  extra.push({
    ...o,
    status: o.status.toLowerCase() === 'pending' ? 'completed' : 'cancelled',
    amount: o.amount === null ? '19.99' : String(Math.abs(Number(o.amount))), // corrections fix the sign too
    updated_at: fmtTs(later),
    _ts: later,
  });
});

// The file lists rows in delivery order, like an export of an ingestion log.
const all = [...orders, ...extra].sort((a, b) => a._ts - b._ts || a.order_id.localeCompare(b.order_id));

const seeds = join(root, 'seeds');
mkdirSync(seeds, { recursive: true });
writeFileSync(join(seeds, 'raw_customers.csv'), csv(customers, ['customer_id', 'name', 'email', 'country', 'signup_date']));
writeFileSync(join(seeds, 'raw_orders.csv'),
  csv(all, ['order_id', 'customer_id', 'order_ts', 'amount', 'category', 'status', 'updated_at']));
