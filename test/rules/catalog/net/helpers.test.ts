// The port, address and three-valued helpers under the NET rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IPV6_MAX, internetKind, kindCovered, parseIPv4, parseIPv6 } from '../../../../src/rules/catalog/net/ip.js';
import {
  describePorts,
  intersect,
  parsePortItem,
  parsePortList,
  parsePortTarget,
  subtract,
} from '../../../../src/rules/catalog/net/ports.js';
import { and, or, type Tri } from '../../../../src/rules/catalog/net/tri.js';

const INTERNET = ['*', 'Internet', 'Any', '0.0.0.0', '0.0.0.0/0', '::/0'];

describe('ports', () => {
  it('parses single ports, inclusive ranges and *', () => {
    assert.deepEqual(parsePortItem('22'), { from: 22, to: 22 });
    assert.deepEqual(parsePortItem(' 11000-11999 '), { from: 11000, to: 11999 });
    assert.deepEqual(parsePortItem('*'), { from: 0, to: 65535 });
    assert.deepEqual(parsePortItem('30-20'), { from: 20, to: 30 });
    for (const bad of ['', 'ssh', '65536', '1-', '-5', '1-2-3', '22/tcp'])
      assert.equal(parsePortItem(bad), undefined, bad);
  });

  it('splits comma lists leniently, merging overlaps and reporting items that are not ports', () => {
    assert.deepEqual(parsePortList('21, 22,23'), { ranges: [{ from: 21, to: 23 }], invalid: [] });
    assert.deepEqual(parsePortList('3389,,1433-1434'), {
      ranges: [
        { from: 1433, to: 1434 },
        { from: 3389, to: 3389 },
      ],
      invalid: [],
    });
    assert.deepEqual(parsePortList('22,rdp'), { ranges: [{ from: 22, to: 22 }], invalid: ['rdp'] });
  });

  it('reads configured targets with an optional transport', () => {
    assert.deepEqual(parsePortTarget('1434/udp'), {
      text: '1434/udp',
      ranges: [{ from: 1434, to: 1434 }],
      protocol: 'udp',
    });
    assert.equal(parsePortTarget('11000-11999')?.protocol, 'tcp');
    assert.equal(parsePortTarget('53/icmp'), undefined);
    assert.equal(parsePortTarget('x'), undefined);
  });

  it('intersects and subtracts range sets', () => {
    const all = [{ from: 0, to: 65535 }];
    assert.deepEqual(intersect(all, [{ from: 22, to: 22 }]), [{ from: 22, to: 22 }]);
    assert.deepEqual(intersect([{ from: 20, to: 25 }], [{ from: 26, to: 30 }]), []);
    assert.deepEqual(subtract([{ from: 20, to: 30 }], [{ from: 22, to: 24 }]), [
      { from: 20, to: 21 },
      { from: 25, to: 30 },
    ]);
    assert.deepEqual(subtract([{ from: 22, to: 22 }], all), []);
    assert.equal(
      describePorts([
        { from: 3306, to: 3306 },
        { from: 0, to: 65535 },
      ]),
      '*',
    );
    assert.equal(
      describePorts([
        { from: 1433, to: 1433 },
        { from: 11000, to: 11999 },
      ]),
      '1433, 11000-11999',
    );
  });
});

describe('addresses', () => {
  it('parses IPv4, ignoring a CIDR suffix', () => {
    assert.equal(parseIPv4('0.0.0.0'), 0);
    assert.equal(parseIPv4('255.255.255.255'), 2 ** 32 - 1);
    assert.equal(parseIPv4('0.0.0.0/0'), 0);
    assert.equal(parseIPv4('10.0.0.1'), 167772161);
    for (const bad of ['256.0.0.1', '1.2.3', 'a.b.c.d', '', '1.2.3.4.5']) assert.equal(parseIPv4(bad), undefined, bad);
  });

  it('parses IPv6 with compression and an embedded IPv4 tail', () => {
    assert.equal(parseIPv6('::'), 0n);
    assert.equal(parseIPv6('::/0'), 0n);
    assert.equal(parseIPv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), IPV6_MAX);
    assert.equal(parseIPv6('0000:0000:0000:0000:0000:ffff:0000:0003'), (0xffffn << 32n) | 3n);
    assert.equal(parseIPv6('::ffff:0.0.0.3'), (0xffffn << 32n) | 3n);
    assert.equal(parseIPv6('2001:db8::1'), (0x20010db8n << 96n) | 1n);
    for (const bad of ['1.2.3.4', '1::2::3', '1:2:3:4:5:6:7', 'g::1', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(parseIPv6(bad), undefined, bad);
    }
  });

  it('classifies internet sources, including any /0 CIDR and a bare /0', () => {
    assert.equal(internetKind('*', INTERNET), 'any');
    assert.equal(internetKind('ANY', INTERNET), 'any');
    assert.equal(internetKind('/0', INTERNET), 'any');
    assert.equal(internetKind('internet', INTERNET), 'internet');
    assert.equal(internetKind('0.0.0.0', INTERNET), 'ipv4');
    assert.equal(internetKind('10.1.2.3/0', INTERNET), 'ipv4');
    assert.equal(internetKind('::/0', INTERNET), 'ipv6');
    assert.equal(internetKind('2001:db8::/0', INTERNET), 'ipv6');
    for (const not of ['0.0.0.0/1', 'VirtualNetwork', 'AzureLoadBalancer', 'AzureCloud', '10.0.0.0/8', '']) {
      assert.equal(internetKind(not, INTERNET), undefined, not);
    }
    assert.equal(internetKind('198.51.100.0/24', [...INTERNET, '198.51.100.0/24']), '198.51.100.0/24');
  });

  it('decides whether Deny sources cover an internet source', () => {
    assert.ok(kindCovered('any', new Set(['internet'])));
    assert.ok(kindCovered('ipv4', new Set(['any'])));
    assert.ok(kindCovered('any', new Set(['ipv4', 'ipv6'])));
    assert.ok(!kindCovered('any', new Set(['ipv4'])));
    assert.ok(!kindCovered('ipv6', new Set(['ipv4'])));
  });
});

describe('three-valued logic', () => {
  const blocked: Tri = { path: 'p', expression: "[parameters('x')]" };
  it('lets one false decide a conjunction and one true a disjunction', () => {
    assert.equal(and(true, blocked, false), false);
    assert.equal(and(true, blocked), blocked);
    assert.equal(and(true, true), true);
    assert.equal(or(false, blocked, true), true);
    assert.equal(or(false, blocked), blocked);
    assert.equal(or(false, false), false);
  });
});
