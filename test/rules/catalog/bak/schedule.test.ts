import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../../src/core/config.js';
import type { Resource } from '../../../../src/core/types.js';
import {
  blobScopes,
  countDurationDays,
  isoDurationDays,
  monthsToDays,
  prefixCovers,
  prefixIntersects,
  scopePath,
  yearsToDays,
} from '../../../../src/rules/catalog/bak/schedule.js';

describe('retention schedule conversions', () => {
  it('converts years with the Log Analytics table, then floor(years * 365.25)', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(yearsToDays),
      [365, 730, 1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018, 4383],
    );
    assert.equal(yearsToDays(0), 0);
    assert.equal(yearsToDays(13), 4748);
    assert.equal(yearsToDays(20), 7305);
    assert.equal(yearsToDays(1.5), 547);
  });

  it('keeps months consistent with years', () => {
    assert.equal(monthsToDays(120), yearsToDays(10));
    assert.equal(monthsToDays(72), 2191);
    assert.equal(monthsToDays(1), 30);
    assert.equal(monthsToDays(121), 3683);
  });

  it('reads ISO 8601 durations as Azure writes them', () => {
    assert.equal(isoDurationDays('P1W'), 7);
    assert.equal(isoDurationDays('P12W'), 84);
    assert.equal(isoDurationDays('P6Y'), 2191);
    assert.equal(isoDurationDays('P30D'), 30);
    assert.equal(isoDurationDays('P12M'), 365);
    assert.equal(isoDurationDays('P1Y6M'), 365 + 182);
    assert.equal(isoDurationDays('PT12H'), 0.5);
    assert.equal(isoDurationDays('PT0S'), 0);
    assert.equal(isoDurationDays('p10y'), 3653);
    for (const bad of ['', 'P', 'PT', '10', 'P1X', 'P-1Y', '6 years'])
      assert.equal(isoDurationDays(bad), undefined, bad);
  });

  it('reads Recovery Services retention counts', () => {
    assert.equal(countDurationDays(30, 'Days'), 30);
    assert.equal(countDurationDays(12, 'weeks'), 84);
    assert.equal(countDurationDays(60, 'Months'), 1826);
    assert.equal(countDurationDays(10, 'Years'), 3653);
    assert.equal(countDurationDays(1, 'Invalid'), undefined);
  });
});

describe('data-class scopes of a storage account', () => {
  const account = (tags: Record<string, string> = {}): Resource => ({
    id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/phistore',
    type: 'Microsoft.Storage/storageAccounts',
    name: 'phistore',
    tags,
    origin: 'snapshot',
    address: 'phistore',
  });

  it('gives a PHI account the default class, and nothing to a non-PHI one', () => {
    const config = defaultConfig();
    assert.deepEqual(
      blobScopes(account(), 'phistore', config, true).map((s) => [s.dataClass.name, s.container, s.via]),
      [['phi-clinical', undefined, 'retention.default_phi_class']],
    );
    assert.deepEqual(blobScopes(account(), 'phistore', config, false), []);
  });

  it('takes classes from tags and container lists; the whole-account class excludes claimed containers', () => {
    const config = defaultConfig();
    config.retention.dataClasses.push({
      name: 'imaging',
      match: { tags: {}, containers: ['PhiStore/dicom/studies', 'other/dicom'] },
      minYears: 7,
      maxYears: null,
    });
    const scopes = blobScopes(account({ 'Data-Class': 'PHI-Clinical' }), 'phistore', config, false);
    assert.deepEqual(
      scopes.map((s) => [s.dataClass.name, s.container, s.prefix, s.except, s.via]),
      [
        ['imaging', 'dicom', 'studies', [], 'match.containers PhiStore/dicom/studies'],
        ['phi-clinical', undefined, undefined, ['dicom/studies'], 'tag Data-Class=PHI-Clinical'],
      ],
    );
    const whole = scopes[1];
    assert.equal(prefixIntersects('dicom/studies/2020', whole), false, 'inside the other class');
    assert.equal(prefixIntersects('dicom/', whole), true, 'dicom also holds other paths');
    assert.equal(prefixIntersects('', whole), true);
    const imaging = scopes[0];
    assert.equal(prefixIntersects('dicom/', imaging), true);
    assert.equal(prefixIntersects('dicom/studies/2020/', imaging), true);
    assert.equal(prefixIntersects('dicom/thumbs', imaging), false);
    assert.equal(prefixIntersects('DICOM', imaging), true, 'container names are case-insensitive');
  });

  it('covers a container only with a prefix of its path', () => {
    const path = scopePath('Records');
    assert.equal(path, 'records/');
    assert.equal(prefixCovers('', path), true);
    assert.equal(prefixCovers('rec', path), true);
    assert.equal(prefixCovers('records/', path), true);
    assert.equal(prefixCovers('records/2020/', path), false);
    assert.equal(prefixCovers('recordsx', path), false);
  });
});
