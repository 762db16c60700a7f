import { describe, expect, it } from 'vitest';
import { addressProblem } from './address-check';

describe('addressProblem', () => {
  it('lets public unicast addresses through', () => {
    for (const ip of ['207.241.224.2', '8.8.8.8', '2606:4700::1111', '2620:0:2d0:200::7', '::ffff:207.241.224.2']) expect(addressProblem(ip), ip).toBeUndefined();
  });

  it('refuses loopback, private, link-local, unique-local, multicast and unspecified, v4 and v6', () => {
    const cases: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '127.255.0.9': 'loopback',
      '::1': 'loopback',
      '10.1.2.3': 'private',
      '172.20.0.1': 'private',
      '192.168.1.1': 'private',
      '100.64.0.1': 'private',
      '169.254.169.254': 'link-local',
      'fe80::1': 'link-local',
      'fe80::1%eth0': 'link-local',
      'fd12:3456::1': 'unique-local',
      '224.0.0.1': 'multicast',
      'ff02::1': 'multicast',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '255.255.255.255': 'reserved',
    };
    for (const [ip, problem] of Object.entries(cases)) expect(addressProblem(ip), ip).toBe(problem);
  });

  it('sees through IPv6 forms that carry an IPv4 address', () => {
    expect(addressProblem('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressProblem('::ffff:7f00:1')).toBe('loopback');
    expect(addressProblem('::ffff:10.0.0.1')).toBe('private');
    expect(addressProblem('64:ff9b::a9fe:a9fe')).toBe('link-local');
    expect(addressProblem('2002:c0a8:0101::1')).toBe('private');
  });

  it('says invalid for what is not an IP address', () => {
    expect(addressProblem('archive.org')).toBe('invalid');
    expect(addressProblem('')).toBe('invalid');
  });
});
